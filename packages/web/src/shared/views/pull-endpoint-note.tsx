import { CodeBlock } from '../components/code-block.tsx';
import { Time } from '../components/time.tsx';
import type { Endpoint } from '../types.ts';

/**
 * How a pull endpoint's consumer reads its webhooks (no URL to send to): the long-poll route with its cursor, the
 * event stream, and `hookline listen` for local development. A temporary endpoint shows when it expires.
 */
export function PullEndpointNote({ endpoint, path }: { endpoint: Endpoint; path: string }) {
  const messages = `${window.location.origin}${path}/messages`;
  const code = [
    '# $TOKEN: an API key of the sender (hk_…) or a portal session token of this application (hlp_…)',
    '# Long poll: waits up to 30 s for a message; pass the answer\'s cursor to acknowledge what you read',
    `curl -H "Authorization: Bearer $TOKEN" "${messages}?wait=30&limit=100"`,
    `curl -H "Authorization: Bearer $TOKEN" "${messages}?wait=30&limit=100&cursor=<cursor>"`,
    '# The same messages as Server-Sent Events (resumes after Last-Event-ID)',
    `curl -N -H "Accept: text/event-stream" -H "Authorization: Bearer $TOKEN" "${messages}"`,
  ].join('\n');
  return (
    <div className="note" data-testid="pull-endpoint-note">
      <strong>A pull endpoint: nothing is sent anywhere.</strong>
      <span>
        Each webhook waits here until your consumer reads it, with the headers and body an HTTP delivery would have (in each message).
        It is signed when it is read: <code>webhook-timestamp</code> is the time of the read, so a Standard Webhooks library verifies it with its usual 5-minute tolerance however long it waited.
        Messages come in order and at least once: a read without a cursor returns what was not acknowledged yet.
        {endpoint.expiresAt ? (
          <>
            {' '}This endpoint is temporary: it is deleted at <Time iso={endpoint.expiresAt} /> unless read before (each read renews it).
          </>
        ) : null}
      </span>
      <CodeBlock code={code} label="Read its messages" testId="pull-endpoint-code" />
      <small className="muted">
        For local development, <code>hookline listen --forward-to http://localhost:3000/webhooks</code> creates a temporary pull endpoint and forwards each webhook to your app.
      </small>
    </div>
  );
}
