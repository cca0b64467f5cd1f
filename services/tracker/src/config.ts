import { httpFragment, kafkaFragment, pgFragment, positiveInt, shutdownFragment, telemetryFragment } from '@hookline/config';
import type { z } from 'zod';

/** Every variable the tracker reads. */
export const trackerConfigShape = {
  ...kafkaFragment,
  ...pgFragment,
  ...httpFragment(8082),
  ...telemetryFragment,
  ...shutdownFragment,
  TRACKER_BATCH_ROWS: positiveInt(1_000).describe('Rows per INSERT statement when writing a batch of attempts.'),
};

export type TrackerConfig = z.infer<z.ZodObject<typeof trackerConfigShape>>;
