export { lowerCpuPriority } from './cpu-priority.ts';
export { exitOnStartupError, pendingShutdownSteps, shutdownStep, stopOnSignals } from './lifecycle.ts';
export { createLogger, type Logger } from './logger.ts';
export { createMetricsRegistry } from './metrics.ts';
export { startOpsServer, type OpsServer } from './ops-server.ts';
export { runService, type ServiceBaseConfig } from './run-service.ts';
export { startTelemetry, type Telemetry } from './sdk.ts';
