import { CodeBlock } from '../../shared/components/code-block.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';

const node = `// npm install standardwebhooks express
import express from 'express';
import { Webhook } from 'standardwebhooks';

const wh = new Webhook(process.env.WEBHOOK_SECRET); // whsec_… from the endpoint's page
const app = express();

// Verify the raw body: a parsed-and-re-serialised body no longer matches the signature.
app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
  let message;
  try {
    message = wh.verify(req.body.toString('utf8'), req.headers);
  } catch {
    return res.status(400).send('invalid signature');
  }
  // message = { id, type, timestamp, data }; the webhook-id header is the same on every retry,
  // so use it to skip a message you already handled.
  console.log('received', req.headers['webhook-id'], message.type);
  res.sendStatus(204); // answer 2xx quickly; do slow work after answering
});

app.listen(3000);`;

const python = `# pip install standardwebhooks
from standardwebhooks.webhooks import Webhook

wh = Webhook(WEBHOOK_SECRET)  # whsec_…

def handle(request):
    try:
        message = wh.verify(request.body, dict(request.headers))
    except Exception:
        return 400
    # message["type"], message["data"]
    return 204`;

/** How to check that a request comes from the provider: Standard Webhooks signatures. */
export function VerifyingPage() {
  return (
    <section>
      <PageHeader title="Verifying signatures" subtitle="Every request is signed with your endpoint's secret, following the Standard Webhooks specification." />
      <div className="card prose">
        <h2>What each request carries</h2>
        <ul>
          <li><code>webhook-id</code>: the message id, the same on every retry — use it to ignore duplicates.</li>
          <li><code>webhook-timestamp</code>: when this attempt was sent (Unix seconds) — refuse old ones to stop replays.</li>
          <li><code>webhook-signature</code>: <code>v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</code>; during a secret rotation, one signature per secret, separated by spaces.</li>
        </ul>
        <p>The <code>standardwebhooks</code> library checks all three for you. Verify the body exactly as received, before parsing it.</p>
        <h2>Ed25519 endpoints</h2>
        <p data-testid="ed25519-note">
          An endpoint created with Ed25519 signatures sends <code>v1a,&lt;base64 Ed25519 signature of "id.timestamp.body"&gt;</code> instead, and you check it
          with the endpoint's public key (<code>whpk_</code> + base64 of the 32-byte key), shown on its page: decode it and verify with any Ed25519 library.
          A public key cannot sign, so it need not be kept secret.
        </p>
      </div>
      <CodeBlock label="Node.js (standardwebhooks)" code={node} testId="sample-node" />
      <CodeBlock label="Python (standardwebhooks)" code={python} testId="sample-python" />
    </section>
  );
}
