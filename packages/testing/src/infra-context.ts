import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers of the broker the global setup found or started. */
    kafkaBrokers: string;
    /** URL of the PostgreSQL database the global setup found or started. */
    databaseUrl: string;
    /** Base URL of the Confluent-compatible Schema Registry, or '' when none could be started. */
    schemaRegistryUrl: string;
  }
}

/** The shared infrastructure this test run uses (from `KAFKA_BROKERS`/`DATABASE_URL` or the launchers). */
export function infra(): { kafkaBrokers: string; databaseUrl: string; schemaRegistryUrl: string } {
  return { kafkaBrokers: inject('kafkaBrokers'), databaseUrl: inject('databaseUrl'), schemaRegistryUrl: inject('schemaRegistryUrl') };
}
