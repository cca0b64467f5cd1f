import type { Endpoint, SaslMechanism } from '../types.ts';

/** What the Kafka fields of the endpoint form hold (text as typed). */
export interface KafkaFieldsState {
  servers: string;
  topic: string;
  key: string;
  mechanism: '' | SaslMechanism;
  username: string;
  password: string;
  tls: boolean;
  /** TLS details (PEM as pasted): the CA the brokers are verified against, and a client certificate and key for mutual TLS. */
  ca: string;
  cert: string;
  /** Write-only: empty when editing; an endpoint with a client key needs it again to save new settings. */
  clientKey: string;
  hasClientKey: boolean;
  /** Verify the brokers' certificates (rejectUnauthorized); unchecked only for a test cluster. */
  verify: boolean;
}

export function kafkaFieldsOf(endpoint?: Endpoint): KafkaFieldsState {
  const k = endpoint?.kafka;
  return {
    servers: k?.bootstrapServers.join(', ') ?? '',
    topic: k?.topic ?? '',
    key: k?.key ?? 'eventId',
    mechanism: k?.sasl?.mechanism ?? '',
    username: k?.sasl?.username ?? '',
    password: '',
    tls: Boolean(k?.tls),
    ca: typeof k?.tls === 'object' ? (k.tls.ca ?? '') : '',
    cert: typeof k?.tls === 'object' ? (k.tls.cert ?? '') : '',
    clientKey: '',
    hasClientKey: typeof k?.tls === 'object' && k.tls.hasClientKey,
    verify: typeof k?.tls === 'object' ? k.tls.rejectUnauthorized !== false : true,
  };
}

/** The API's `kafka` object for the fields (the password and the client key are sent as typed; the API keeps them encrypted). */
export function kafkaBodyOf(s: KafkaFieldsState) {
  return {
    bootstrapServers: s.servers.split(',').map((x) => x.trim()).filter(Boolean),
    topic: s.topic.trim(),
    key: s.key.trim() || 'eventId',
    ...(s.mechanism ? { sasl: { mechanism: s.mechanism, username: s.username, password: s.password } } : {}),
    ...(s.tls ? { tls: tlsBodyOf(s) } : {}),
  };
}

/** `true` (the system CAs, verified) or the TLS settings given; a saved CA or client certificate is kept, not dropped. */
function tlsBodyOf(s: KafkaFieldsState) {
  const [ca, cert, key] = [s.ca.trim(), s.cert.trim(), s.clientKey.trim()];
  if (!ca && !cert && !key && s.verify) return true;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(s.verify ? {} : { rejectUnauthorized: false }) };
}

/** Bootstrap servers, topic, record key, SASL and TLS of a Kafka-topic destination. */
export function KafkaDestinationFields({ state, onChange, editing }: { state: KafkaFieldsState; onChange: (s: KafkaFieldsState) => void; editing: boolean }) {
  const set = (patch: Partial<KafkaFieldsState>) => onChange({ ...state, ...patch });
  return (
    <fieldset className="field" data-testid="kafka-fields">
      <legend>Kafka destination</legend>
      <label className="field">
        <span>Bootstrap servers</span>
        <input type="text" required placeholder="broker-1.example.com:9092, broker-2.example.com:9092" value={state.servers} onChange={(e) => set({ servers: e.target.value })} data-testid="kafka-servers-input" />
      </label>
      <label className="field">
        <span>Topic</span>
        <input type="text" required placeholder="webhooks" value={state.topic} onChange={(e) => set({ topic: e.target.value })} data-testid="kafka-topic-input" />
        <small className="muted">Each event becomes a record on this topic: the webhook body as value, the Standard Webhooks headers as record headers.</small>
      </label>
      <label className="field narrow">
        <span>Record key</span>
        <input type="text" placeholder="eventId" value={state.key} onChange={(e) => set({ key: e.target.value })} data-testid="kafka-key-input" list="kafka-key-choices" />
        <datalist id="kafka-key-choices">
          <option value="eventId" />
          <option value="orderingKey" />
        </datalist>
        <small className="muted"><code>eventId</code>, <code>orderingKey</code> or a path into the event data, e.g. <code>customer.id</code>.</small>
      </label>
      <label className="field narrow">
        <span>SASL</span>
        <select value={state.mechanism} onChange={(e) => set({ mechanism: e.target.value as KafkaFieldsState['mechanism'] })} data-testid="kafka-sasl-select">
          <option value="">None</option>
          <option value="plain">PLAIN</option>
          <option value="scram-sha-256">SCRAM-SHA-256</option>
          <option value="scram-sha-512">SCRAM-SHA-512</option>
        </select>
      </label>
      {state.mechanism && (
        <div className="inline">
          <input type="text" required placeholder="username" aria-label="SASL username" value={state.username} onChange={(e) => set({ username: e.target.value })} />
          <input type="password" required placeholder={editing ? 'password (enter it again to save)' : 'password'} aria-label="SASL password" value={state.password} onChange={(e) => set({ password: e.target.value })} autoComplete="new-password" />
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={state.tls} onChange={(e) => set({ tls: e.target.checked })} data-testid="kafka-tls-check" />
        <span>Connect with TLS</span>
      </label>
      {state.tls && (
        <div data-testid="kafka-tls-fields">
          <label className="field">
            <span>CA certificate (PEM, optional)</span>
            <textarea className="code-input" rows={3} spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----  (empty: the public CAs)" value={state.ca} onChange={(e) => set({ ca: e.target.value })} data-testid="kafka-tls-ca" />
          </label>
          <label className="field">
            <span>Client certificate (PEM, for mutual TLS)</span>
            <textarea className="code-input" rows={3} spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----" value={state.cert} onChange={(e) => set({ cert: e.target.value })} data-testid="kafka-tls-cert" />
          </label>
          <label className="field">
            <span>Client private key (PEM)</span>
            <textarea
              className="code-input" rows={3} spellCheck={false} autoComplete="off" value={state.clientKey} onChange={(e) => set({ clientKey: e.target.value })} data-testid="kafka-tls-key"
              placeholder={editing && state.hasClientKey ? 'a key is saved: paste it again to save these settings' : '-----BEGIN PRIVATE KEY-----'}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={state.verify} onChange={(e) => set({ verify: e.target.checked })} data-testid="kafka-tls-verify" />
            <span>Verify the brokers' certificates (uncheck only for a test cluster)</span>
          </label>
        </div>
      )}
      <small className="muted">The password and the client key are stored encrypted and never shown again.</small>
    </fieldset>
  );
}
