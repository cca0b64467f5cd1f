import { useState } from 'react';
import { appBase } from '../api.ts';
import { CodeBlock, pretty } from '../components/code-block.tsx';
import { Empty, ErrorNote, Loading } from '../components/feedback.tsx';
import { PageHeader } from '../components/shell.tsx';
import { avroExample } from '../avro-example.ts';
import { examplePayload } from '../example-payload.ts';
import { useLoad } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { EventType, Page } from '../types.ts';

/** The catalogue of event types: each one's JSON Schema and an example payload. */
export function EventTypesView() {
  const { api, app } = useScope();
  const types = useLoad(() => api.get<Page<EventType>>(`${appBase(app)}/event-types`, { limit: 250 }), [app]);
  const [open, setOpen] = useState<string | null>(null);
  const list = types.data?.data ?? [];
  return (
    <section>
      <PageHeader title="Event types" subtitle="Every kind of message you can receive, with the shape of its data." />
      {types.loading && !types.data && <Loading />}
      <ErrorNote error={types.error} />
      {types.data && list.length === 0 && (
        <Empty title="No event types documented yet" testId="event-types-empty">
          Your provider has not published a catalogue; every message still names its type in the <code>type</code> field.
        </Empty>
      )}
      <div className="type-list">
        {list.map((t) => {
          const expanded = open === t.name || list.length === 1;
          return (
            <article key={t.name} className="card type-card" data-testid="event-type" data-name={t.name}>
              <button type="button" className="type-head" onClick={() => setOpen(expanded ? null : t.name)} aria-expanded={expanded}>
                <code className="strong">{t.name}</code>
                <span className="muted">{t.description || 'No description'}</span>
                <span className="muted small">{expanded ? '▾' : '▸'}</span>
              </button>
              {expanded && <TypeDetail type={t} />}
            </article>
          );
        })}
      </div>
    </section>
  );
}

/** Where the type's schema is registered (subject, id, version), when it is in a schema registry. */
function RegistryLine({ type: t }: { type: EventType }) {
  if (!t.subject) return null;
  const format = { json: 'JSON Schema', avro: 'Avro', protobuf: 'Protobuf' }[t.schemaFormat ?? 'json'];
  return (
    <p className="muted small" data-testid="type-registry">
      {format} in the schema registry: subject <code>{t.subject}</code>
      {t.schemaId != null && <> · schema id <code>{t.schemaId}</code></>}
      {t.schemaVersion != null && <> · version {t.schemaVersion}</>}
    </p>
  );
}

/** One type's registry entry, example payload and schema. */
function TypeDetail({ type: t }: { type: EventType }) {
  return (
    <>
      <RegistryLine type={t} />
      <TypeSchema type={t} />
    </>
  );
}

/** One type's example payload and its schema, whichever language it is written in. */
function TypeSchema({ type: t }: { type: EventType }) {
  const example = (data: unknown) => pretty({ id: 'evt_…', type: t.name, timestamp: '2026-01-01T12:00:00Z', data });
  if (t.avroSchema) {
    return (
      <div className="grid-2">
        <CodeBlock label="Example payload" code={example(avroExample(t.avroSchema))} testId="example-payload" maxHeight={360} />
        <CodeBlock label="Avro schema of data (delivered as JSON)" code={pretty(t.avroSchema)} testId="type-schema" maxHeight={360} />
      </div>
    );
  }
  if (t.protobufSchema) {
    return (
      <div className="grid-2">
        <CodeBlock label="Protobuf schema of data (delivered as JSON)" code={t.protobufSchema} testId="type-schema" maxHeight={360} />
        <p className="muted">The data follows the first message of this schema, in its JSON form.</p>
      </div>
    );
  }
  return (
    <div className="grid-2">
      <CodeBlock label="Example payload" code={example(examplePayload(t.schema ?? {}))} testId="example-payload" maxHeight={360} />
      {t.schema ? <CodeBlock label="JSON Schema of data" code={pretty(t.schema)} testId="type-schema" maxHeight={360} /> : <p className="muted">No schema: the data is free-form.</p>}
    </div>
  );
}
