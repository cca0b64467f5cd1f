import type { Endpoint, OrderingOnDead } from '../types.ts';

/** The ordering settings as the form edits them. */
export interface OrderingState {
  ordered: boolean;
  onDead: OrderingOnDead;
}

export const orderingStateOf = (endpoint?: Endpoint): OrderingState => ({
  ordered: endpoint?.ordering === 'key',
  onDead: endpoint?.orderingOnDead ?? 'skip',
});

/** What the API takes: `ordering` (`key` or null) and `orderingOnDead`. */
export const orderingBodyOf = (s: OrderingState) => ({ ordering: s.ordered ? ('key' as const) : null, orderingOnDead: s.onDead });

/** How an endpoint's order reads on its page. */
export function orderingSummary(e: Endpoint): string {
  if (e.ordering !== 'key') return 'None: events are delivered concurrently';
  return e.orderingOnDead === 'block'
    ? 'Per ordering key, one at a time; a dead event stops its key until it is redriven'
    : 'Per ordering key, one at a time; a dead event is skipped';
}

/**
 * Ordered delivery per key: a checkbox for `ordering: "key"` and, when on, what a delivery that ends dead does to its
 * key (`orderingOnDead`).
 */
export function OrderingFields({ state, onChange }: { state: OrderingState; onChange: (s: OrderingState) => void }) {
  return (
    <fieldset className="field" data-testid="endpoint-ordering">
      <legend>Order</legend>
      <label className="check">
        <input type="checkbox" checked={state.ordered} onChange={(e) => onChange({ ...state, ordered: e.target.checked })} data-testid="endpoint-ordering-key" />
        <span>
          Deliver the events of one <code>orderingKey</code> one at a time, in the order they were published
        </span>
      </label>
      <small className="muted">A failing event holds back only the later events of its key, through its retries. Events without an ordering key are delivered as they come.</small>
      {state.ordered && (
        <div className="checks">
          <label className="check">
            <input type="radio" name="ordering-on-dead" value="skip" checked={state.onDead === 'skip'} onChange={() => onChange({ ...state, onDead: 'skip' })} />
            <span>When an event ends dead, skip it: its key goes on</span>
          </label>
          <label className="check">
            <input type="radio" name="ordering-on-dead" value="block" checked={state.onDead === 'block'} onChange={() => onChange({ ...state, onDead: 'block' })} data-testid="ordering-on-dead-block" />
            <span>When an event ends dead, stop its key until it is redriven (Dead letters → Redrive)</span>
          </label>
        </div>
      )}
    </fieldset>
  );
}
