import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every test file of the repository.
const every = ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'infra/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'];

// Files that must have the machine to themselves: they time things (the bench smoke run, fetch pacing, idle
// memory), start whole stacks as `npm start` does, stop and restart brokers, or inject faults. They run one
// at a time after every other file has finished.
const alone = [
  'test/chaos/**/*.test.ts',
  'test/bench-smoke.test.ts',
  'test/npm-start.test.ts',
  'test/npm-start-observability.test.ts',
  'test/launcher-port-fallback.test.ts',
  'test/idle-memory.test.ts',
  'test/fetch-pace.test.ts',
  'test/tracker-broker-restart.test.ts',
  'test/tracker-faults.test.ts',
  'test/service-processes.test.ts',
  'test/consumer-failure.test.ts',
];

// Lives in test/ to keep the repository's top level to the layout of STYLE.md. The rest of the files run two at a
// time: most of a file's time is spent waiting on the broker, the database or a browser, so two cores sit half
// idle when files run one by one. Every file builds its own world (topics, tenant, database rows), so two files
// never see each other's records.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'shared', include: every, exclude: alone, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: alone, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
