import { loadConfig } from '@hookline/config';
import { runService } from '@hookline/telemetry';
import { trackerConfigShape } from './config.ts';

// The only place that reads the environment; the app module loads after telemetry has started.
await runService(
  'tracker',
  () => loadConfig(trackerConfigShape),
  async (config, log) => (await import('./app.ts')).createApp(config, log),
);
