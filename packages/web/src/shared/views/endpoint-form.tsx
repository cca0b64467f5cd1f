import { useState, type FormEvent } from 'react';
import { appBase } from '../api.ts';
import { ErrorNote } from '../components/feedback.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { Endpoint, EndpointType, EventType, Page, SignatureScheme } from '../types.ts';
import { FilterField, parseFilterText } from './filter-field.tsx';
import { KafkaDestinationFields, kafkaBodyOf, kafkaFieldsOf } from './kafka-destination-fields.tsx';
import { OrderingFields, orderingBodyOf, orderingStateOf } from './ordering-fields.tsx';

interface HeaderRow {
  name: string;
  value: string;
}

/** The fields of an endpoint the customer edits: URL, description, event types, content filter, rate limit, headers. */
export function EndpointForm({ endpoint, onSaved, onCancel }: { endpoint?: Endpoint; onSaved: (e: Endpoint) => void; onCancel: () => void }) {
  const { api, app } = useScope();
  const catalogue = useLoad(() => api.get<Page<EventType>>(`${appBase(app)}/event-types`, { limit: 250 }), [app]);
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [types, setTypes] = useState<string[]>(endpoint?.eventTypes ?? []);
  const [otherType, setOtherType] = useState('');
  const [rate, setRate] = useState(endpoint?.rateLimitPerSecond != null ? String(endpoint.rateLimitPerSecond) : '');
  const [headers, setHeaders] = useState<HeaderRow[]>(Object.entries(endpoint?.headers ?? {}).map(([name, value]) => ({ name, value })));
  const [filterText, setFilterText] = useState(endpoint?.filter ? JSON.stringify(endpoint.filter, null, 2) : '');
  const [scheme, setScheme] = useState<SignatureScheme>('hmac-sha256');
  const [type, setType] = useState<EndpointType>(endpoint?.type ?? 'http');
  const [kafka, setKafka] = useState(kafkaFieldsOf(endpoint));
  const [kafkaTouched, setKafkaTouched] = useState(false);
  const [ordering, setOrdering] = useState(orderingStateOf(endpoint));
  const save = useAction(async () => {
    const filter = parseFilterText(filterText);
    if ('error' in filter) throw new Error(`The filter is not valid JSON: ${filter.error}`);
    const destination =
      type === 'kafka' ? (endpoint && !kafkaTouched ? {} : { kafka: kafkaBodyOf(kafka) }) : type === 'pull' ? {} : { url: url.trim() };
    const body = {
      ...destination,
      description,
      eventTypes: types,
      rateLimitPerSecond: rate.trim() === '' ? null : Number(rate),
      headers: Object.fromEntries(headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value])),
      filter: filter.value,
      ...orderingBodyOf(ordering),
    };
    // The scheme is chosen once, at creation (rotation keeps it).
    const saved = endpoint
      ? await api.patch<Endpoint>(`${appBase(app)}/endpoints/${encodeURIComponent(endpoint.id)}`, body)
      : await api.post<Endpoint>(`${appBase(app)}/endpoints`, { ...body, signatureScheme: scheme, ...(type !== 'http' ? { type } : {}) });
    onSaved(saved);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const known = catalogue.data?.data.map((t) => t.name) ?? [];
  const all = [...new Set([...known, ...types])].sort();
  const toggle = (name: string) => setTypes(types.includes(name) ? types.filter((t) => t !== name) : [...types, name]);
  const addOther = () => {
    const name = otherType.trim();
    if (name && !types.includes(name)) setTypes([...types, name]);
    setOtherType('');
  };

  return (
    <form className="card form" onSubmit={submit} data-testid="endpoint-form">
      <h2>{endpoint ? 'Edit endpoint' : 'Add an endpoint'}</h2>
      {!endpoint && (
        <fieldset className="field" data-testid="endpoint-destination">
          <legend>Destination</legend>
          <label className="check">
            <input type="radio" name="endpoint-type" value="http" checked={type === 'http'} onChange={() => setType('http')} />
            <span>HTTP: a signed POST to a URL</span>
          </label>
          <label className="check">
            <input type="radio" name="endpoint-type" value="kafka" checked={type === 'kafka'} onChange={() => setType('kafka')} data-testid="endpoint-type-kafka" />
            <span>Kafka: a signed record on a topic of your cluster</span>
          </label>
          <label className="check">
            <input type="radio" name="endpoint-type" value="pull" checked={type === 'pull'} onChange={() => setType('pull')} data-testid="endpoint-type-pull" />
            <span>Pull: no URL; your consumer reads the signed webhooks from the API (long poll or event stream)</span>
          </label>
        </fieldset>
      )}
      {type === 'http' ? (
        <label className="field">
          <span>Endpoint URL</span>
          <input type="url" required placeholder="https://example.com/webhooks" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="endpoint-url-input" autoFocus={!endpoint} />
          <small className="muted">Where we send an HTTP POST for each event. Use https:// in production.</small>
        </label>
      ) : type === 'pull' ? (
        <p className="muted" data-testid="pull-destination-hint">
          Webhooks wait until your consumer reads them with <code>GET …/endpoints/&#123;id&#125;/messages</code> (the endpoint page shows how), in order, signed as HTTP deliveries are.
        </p>
      ) : (
        <KafkaDestinationFields state={kafka} onChange={(s) => { setKafka(s); setKafkaTouched(true); }} editing={Boolean(endpoint)} />
      )}
      <label className="field">
        <span>Description</span>
        <input type="text" maxLength={1000} placeholder="e.g. Production billing listener" value={description} onChange={(e) => setDescription(e.target.value)} data-testid="endpoint-description-input" />
      </label>
      <fieldset className="field">
        <legend>Event types</legend>
        <small className="muted">{types.length === 0 ? 'None chosen: this endpoint receives every event type.' : `Only ${types.length} chosen type${types.length === 1 ? '' : 's'}.`}</small>
        {all.length > 0 && (
          <div className="checks" data-testid="event-type-filter">
            {all.map((name) => (
              <label key={name} className="check">
                <input type="checkbox" checked={types.includes(name)} onChange={() => toggle(name)} value={name} />
                <code>{name}</code>
              </label>
            ))}
          </div>
        )}
        <div className="inline">
          <input type="text" placeholder="another.type" value={otherType} onChange={(e) => setOtherType(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addOther(); } }} aria-label="Another event type" />
          <button type="button" className="btn btn-sm" onClick={addOther} disabled={!otherType.trim()}>
            Add type
          </button>
        </div>
      </fieldset>
      <FilterField text={filterText} onChange={setFilterText} error={save.error} {...(endpoint ? { endpointPath: `${appBase(app)}/endpoints/${encodeURIComponent(endpoint.id)}` } : {})} />
      <OrderingFields state={ordering} onChange={setOrdering} />
      <label className="field narrow">
        <span>Rate limit (requests per second)</span>
        <input type="number" min={1} max={100000} step={1} placeholder="No limit" value={rate} onChange={(e) => setRate(e.target.value)} data-testid="endpoint-rate-input" />
      </label>
      <fieldset className="field">
        <legend>Custom headers</legend>
        <small className="muted">Sent with every request, e.g. an authorization token your server expects.</small>
        {headers.map((h, i) => (
          <div className="inline" key={i}>
            <input type="text" placeholder="X-Header-Name" value={h.name} aria-label="Header name" onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <input type="text" placeholder="value" value={h.value} aria-label="Header value" onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setHeaders(headers.filter((_, j) => j !== i))} aria-label="Remove header">
              ✕
            </button>
          </div>
        ))}
        <button type="button" className="btn btn-sm" onClick={() => setHeaders([...headers, { name: '', value: '' }])} data-testid="add-header">
          + Add header
        </button>
      </fieldset>
      {!endpoint && (
        <fieldset className="field" data-testid="signature-scheme">
          <legend>Signatures</legend>
          <label className="check">
            <input type="radio" name="signature-scheme" value="hmac-sha256" checked={scheme === 'hmac-sha256'} onChange={() => setScheme('hmac-sha256')} />
            <span>HMAC-SHA256 (<code>v1</code>): you verify with a shared secret</span>
          </label>
          <label className="check">
            <input type="radio" name="signature-scheme" value="ed25519" checked={scheme === 'ed25519'} onChange={() => setScheme('ed25519')} data-testid="signature-scheme-ed25519" />
            <span>Ed25519 (<code>v1a</code>): you verify with a public key, which cannot sign</span>
          </label>
          <small className="muted">Both follow Standard Webhooks. It cannot be changed later.</small>
        </fieldset>
      )}
      <ErrorNote error={save.error} title="Not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="save-endpoint">
          {save.busy ? 'Saving…' : endpoint ? 'Save changes' : 'Add endpoint'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
