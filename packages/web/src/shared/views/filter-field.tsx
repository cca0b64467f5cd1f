import { useState } from 'react';
import { ApiError } from '../api.ts';
import { ErrorNote } from '../components/feedback.tsx';
import { useAction } from '../hooks.ts';
import { useScope } from '../scope.ts';

const EXAMPLE = '{\n  "type": { "$in": ["invoice.paid"] },\n  "data.amount": { "$gt": 100 }\n}';
const EXAMPLE_EVENT = '{\n  "type": "invoice.paid",\n  "data": { "amount": 150 }\n}';

/** The filter text as the API takes it: empty clears the filter (null); otherwise the parsed JSON, or a parse error. */
export function parseFilterText(text: string): { value: unknown } | { error: string } {
  if (text.trim() === '') return { value: null };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `Not JSON: ${(err as Error).message}` };
  }
}

/** The filter's problems in a save's answer (the paths the API names under `filter`). */
export function filterErrors(error: unknown): Array<{ path: string; message: string }> {
  return error instanceof ApiError ? error.errors.filter((e) => e.path === 'filter' || e.path.startsWith('filter.')) : [];
}

/**
 * The endpoint's content filter as JSON (docs/filters.md), with the server's validation errors beside it, and — for an
 * endpoint that exists — a helper that tests an event against the filter being edited (`…/filter/test`).
 */
export function FilterField({ text, onChange, endpointPath, error }: { text: string; onChange: (t: string) => void; endpointPath?: string; error: unknown }) {
  const { api } = useScope();
  const [eventText, setEventText] = useState(EXAMPLE_EVENT);
  const [showTest, setShowTest] = useState(false);
  const [answer, setAnswer] = useState<boolean | undefined>();
  const parsed = parseFilterText(text);
  const problems = filterErrors(error);
  const test = useAction(async () => {
    setAnswer(undefined);
    const filter = parseFilterText(text);
    if ('error' in filter) throw new Error(`Filter: ${filter.error}`);
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch (err) {
      throw new Error(`Event: not JSON: ${(err as Error).message}`, { cause: err });
    }
    const res = await api.post<{ matches: boolean }>(`${endpointPath}/filter/test`, { event, filter: filter.value });
    setAnswer(res.matches);
  });

  return (
    <fieldset className="field" data-testid="filter-field">
      <legend>Filter</legend>
      <small className="muted">
        Optional JSON: only events matching it are sent, e.g. <code>{'{"data.amount": {"$gt": 100}}'}</code>. Paths start with <code>type</code>, <code>data</code>,{' '}
        <code>headers</code>, <code>id</code> or <code>createdAt</code>; operators <code>$eq $ne $in $nin $exists $gt $gte $lt $lte $regex $and $or $not</code>. Empty: every event.
      </small>
      <textarea className="code-input" rows={5} spellCheck={false} placeholder={EXAMPLE} value={text} onChange={(e) => onChange(e.target.value)} aria-label="Filter (JSON)" data-testid="endpoint-filter-input" />
      {'error' in parsed && <small className="field-error" data-testid="filter-parse-error">{parsed.error}</small>}
      {problems.length > 0 && (
        <ul className="field-error" data-testid="filter-errors">
          {problems.map((p, i) => (
            <li key={i}>
              <code>{p.path}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
      {endpointPath && (
        <div>
          <button type="button" className="btn btn-sm" onClick={() => setShowTest(!showTest)} data-testid="filter-test-toggle">
            {showTest ? 'Hide the test' : 'Test against an event'}
          </button>
        </div>
      )}
      {endpointPath && showTest && (
        <div className="field" data-testid="filter-test">
          <span>An event as published</span>
          <textarea className="code-input" rows={4} spellCheck={false} value={eventText} onChange={(e) => { setEventText(e.target.value); setAnswer(undefined); }} aria-label="Event (JSON)" data-testid="filter-test-event" />
          <div className="inline">
            <button type="button" className="btn btn-sm" onClick={() => void test.run()} disabled={test.busy} data-testid="filter-test-run">
              Test the filter above
            </button>
            {answer !== undefined && (
              <span className={`note ${answer ? 'note-ok' : 'note-warn'} filter-answer`} data-testid="filter-test-result" data-matches={answer}>
                {answer ? 'Matches: this event would be sent.' : 'Does not match: this event would not be sent.'}
              </span>
            )}
          </div>
          <ErrorNote error={test.error} title="Not tested" />
        </div>
      )}
    </fieldset>
  );
}
