import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../common/exec.ts';
import { prometheusConfig, serviceTargets } from './config.ts';

const here = import.meta.dirname;

describe('the local Prometheus configuration', () => {
  it('is what the launcher writes for the default ports', () => {
    expect(readFileSync(join(here, 'prometheus.local.yml'), 'utf8')).toBe(prometheusConfig(serviceTargets({ ingest: 8080, dispatcher: 8081, tracker: 8082 })));
  });

  it.skipIf(!which('promtool'))('passes promtool check config, like the Docker Compose one', () => {
    for (const file of ['prometheus.local.yml', 'prometheus.yml']) {
      expect(execFileSync('promtool', ['check', 'config', join(here, file)], { encoding: 'utf8' })).toMatch(/SUCCESS/);
    }
  });
});
