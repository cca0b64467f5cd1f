import { z } from 'zod';

/** An endpoint's `ordering`: `key` delivers one ordering key's events one at a time, in publish order; null: concurrently. */
export const endpointOrdering = z
  .enum(['key'])
  .nullable()
  .describe(
    '`key`: the events of one `orderingKey` arrive one at a time, in publish order (a failing event holds back only ' +
      'the later events of its key, through its whole retry schedule; events without an orderingKey are delivered ' +
      'unordered); null (default): concurrent delivery',
  );

/** What a dead delivery does to its key on an ordered endpoint. */
export const orderingOnDead = z
  .enum(['skip', 'block'])
  .describe(
    'On an endpoint with `ordering: "key"`, what a delivery that ends dead does to its key: `skip` (default) lets the ' +
      "key's next event go; `block` keeps the key stopped until the dead delivery is redriven (POST /v1/dead-letters/redrive)",
  );
