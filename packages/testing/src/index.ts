export { dockerAnswers, startKafkaContainer, startPostgresContainer } from './containers.ts';
export { DnsServer, type DnsQuery } from './dns-server.ts';
export { findSecrets, maskSecret, type SecretFinding } from './find-secrets.ts';
export { infra } from './infra-context.ts';
export { LogCapture } from './log-capture.ts';
export { Receiver, type ReceivedRequest, type ReceiverBehaviour } from './receiver.ts';
export { createTestWorld, type TestWorld } from './test-world.ts';
export { waitFor } from './wait-for.ts';
