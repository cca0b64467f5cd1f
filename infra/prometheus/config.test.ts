import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../common/exec.ts';
import { defaultLocalTargets, prometheusConfig } from './config.ts';

const here = import.meta.dirname;

describe('the local Prometheus configuration', () => {
  it('is what the launcher writes for the default ports', () => {
    expect(readFileSync(join(here, 'prometheus.local.yml'), 'utf8')).toBe(prometheusConfig(defaultLocalTargets()));
  });

  it('scrapes the three services, the broker and PostgreSQL', () => {
    expect(defaultLocalTargets()).toEqual([
      { job: 'ingest', target: '127.0.0.1:8080' },
      { job: 'dispatcher', target: '127.0.0.1:8081' },
      { job: 'tracker', target: '127.0.0.1:8082' },
      { job: 'kafka', target: '127.0.0.1:9404' },
      { job: 'postgres', target: '127.0.0.1:9187' },
    ]);
  });

  it.skipIf(!which('promtool'))('passes promtool check config, like the Docker Compose one', () => {
    for (const file of ['prometheus.local.yml', 'prometheus.yml']) {
      expect(execFileSync('promtool', ['check', 'config', join(here, file)], { encoding: 'utf8' })).toMatch(/SUCCESS/);
    }
  });
});
