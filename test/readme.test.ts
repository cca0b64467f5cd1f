import { readFileSync } from 'node:fs';
import { describeConfig } from '@hookline/config';
import { describe, expect, it } from 'vitest';
import { dispatcherConfigShape } from '../services/dispatcher/src/config.ts';
import { ingestConfigShape } from '../services/ingest/src/config.ts';
import { trackerConfigShape } from '../services/tracker/src/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

describe('README stays true', () => {
  it.each([
    ['ingest', ingestConfigShape],
    ['dispatcher', dispatcherConfigShape],
    ['tracker', trackerConfigShape],
  ] as const)('the configuration table lists every variable %s reads', (_service, shape) => {
    for (const { name } of describeConfig(shape)) expect(readme, name).toContain("| `" + name + "` |");
  });

  it('names the two commands and every npm script it mentions exists', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
    for (const [, script] of readme.matchAll(/npm run ([a-z:]+)/g)) expect(pkg.scripts, script).toHaveProperty(script!);
  });
});
