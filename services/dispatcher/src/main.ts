import { loadConfig } from '@hookline/config';
import { runService } from '@hookline/telemetry';
import { dispatcherConfigShape } from './config.ts';

// The only place that reads the environment; the app module loads after telemetry has started.
await runService(
  'dispatcher',
  () => loadConfig(dispatcherConfigShape),
  async (config, log) => (await import('./app.ts')).createApp(config, log),
);
