/** Every topic Hookline uses, derived from one prefix (`TOPIC_PREFIX`, default `hookline`). */
export interface TopicNames {
  /** Events published over HTTP or straight to Kafka. */
  events: string;
  /** Records on any consumed topic that could not be decoded, with a reason header. */
  invalid: string;
  /** One record per (event, endpoint), keyed by endpoint id. */
  deliveries: string;
  /** The outcome of every delivery attempt, for the tracker. */
  attempts: string;
  /** Deliveries whose retry schedule is exhausted. */
  deadLetter: string;
  /** endpoint.disabled, endpoint.recovered, delivery.exhausted. */
  operational: string;
  /** The retry tier topic for a delay label such as `5s` or `2h`. */
  retry: (tier: string) => string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    events: `${prefix}.events`,
    invalid: `${prefix}.events.invalid`,
    deliveries: `${prefix}.deliveries`,
    attempts: `${prefix}.attempts`,
    deadLetter: `${prefix}.dlq`,
    operational: `${prefix}.operational`,
    retry: (tier) => `${prefix}.retry.${tier}`,
  };
}

/** Consumer group ids, under the same prefix so that a test's world never meets another's. */
export interface GroupIds {
  fanout: string;
  deliver: string;
  /** The dispatcher's consumers of the retry tier topics. */
  deliverRetry: string;
  tracker: string;
}

export function groupIds(prefix: string): GroupIds {
  return { fanout: `${prefix}.fanout`, deliver: `${prefix}.deliver`, deliverRetry: `${prefix}.deliver.retry`, tracker: `${prefix}.tracker` };
}
