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
  };
}

/** The API's `kafka` object for the fields (the password is sent as typed; the API keeps it encrypted). */
export function kafkaBodyOf(s: KafkaFieldsState) {
  return {
    bootstrapServers: s.servers.split(',').map((x) => x.trim()).filter(Boolean),
    topic: s.topic.trim(),
    key: s.key.trim() || 'eventId',
    ...(s.mechanism ? { sasl: { mechanism: s.mechanism, username: s.username, password: s.password } } : {}),
    ...(s.tls ? { tls: true } : {}),
  };
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
      <small className="muted">The password is stored encrypted and never shown again.</small>
    </fieldset>
  );
}
