/**
 * Testcontainers fallbacks for machines with a Docker engine but without the local launchers' prerequisites.
 * Loaded lazily: most runs never touch Docker.
 */

/** True when a Docker (or compatible) engine answers. */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** A single-node KRaft broker from the official `apache/kafka` image, advertised on the mapped port. */
export async function startKafkaContainer(): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const hostPort = 19_092;
  const container = await new GenericContainer('apache/kafka:4.1.1')
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { brokers: `127.0.0.1:${hostPort}`, stop: async () => void (await container.stop()) };
}

/** A PostgreSQL server from the official image with a `hookline` database. */
export async function startPostgresContainer(): Promise<{ databaseUrl: string; stop: () => Promise<void> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:17-alpine')
    .withExposedPorts(5432)
    .withEnvironment({ POSTGRES_PASSWORD: 'hookline', POSTGRES_DB: 'hookline' })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgres://postgres:hookline@127.0.0.1:${container.getMappedPort(5432)}/hookline`;
  return { databaseUrl: url, stop: async () => void (await container.stop()) };
}
