import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestWorld, infra, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const st = join(root, '.hookline/venv/schemathesis/bin/st');

/**
 * Prepares schemathesis' virtual environment the way .ci/run does (a no-op when the pinned version is there, ~10 s
 * from PyPI otherwise). False, with the reason, when this machine cannot (no python3 venv module, no network).
 */
function prepareSchemathesis(): boolean {
  try {
    execFileSync('bash', [join(root, 'infra/fuzz/schemathesis-venv.sh')], { stdio: 'pipe', timeout: 120_000 });
    return existsSync(st);
  } catch (err) {
    console.warn(`api-fuzz skipped: schemathesis could not be prepared; run \`bash infra/fuzz/schemathesis-venv.sh\` (or \`bash .ci/run\`, which apt-installs python3-venv): ${(err as Error).message}`);
    return false;
  }
}

const ready = prepareSchemathesis();

/** The checks every answer must pass (schemathesis names). */
const checks = [
  'not_a_server_error', // no 5xx
  'status_code_conformance', // a status the operation documents (the document lists every one: no `default`)
  'content_type_conformance', // application/json, or application/problem+json for errors
  'response_schema_conformance', // the body matches the documented schema
  'negative_data_rejection', // what the document refuses, the API refuses with a 4xx
  'ignored_auth', // authenticated operations answer 401 without or with a wrong token
  'use_after_free', // a deleted resource is gone
];

describe.skipIf(!ready)('API fuzzing with schemathesis, driven by /openapi.json, with both keys', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let apiKey: string;
  let jobId: string;
  let workDir: string;

  beforeAll(async () => {
    world = createTestWorld('api-fuzz');
    const registry = infra().schemaRegistryUrl;
    // Ingest, and the tracker so that published events become readable; no dispatcher: the fuzzer's endpoints
    // point anywhere, and nothing may be delivered beyond loopback.
    pipeline = await startPipeline(world, { services: ['ingest', 'tracker'], env: registry ? { SCHEMA_REGISTRY_URL: registry } : {} });
    apiKey = (await createTenant(pipeline.api, world.env.ADMIN_TOKEN!, 'fuzz')).apiKey;
    jobId = (await call('POST', `${pipeline.api}/v1/dead-letters/redrive`, apiKey, {})).json.job.id;
    workDir = mkdtempSync(join(tmpdir(), 'hookline-fuzz-'));
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('every operation, positive and negative data, stateful sequences: no 5xx, answers as documented', async () => {
    const args = [
      '--config-file', join(root, 'test/support/schemathesis.toml'),
      'run', `${pipeline.api}/openapi.json`,
      '--checks', checks.join(','),
      '--max-examples', '40',
      '--seed', '1',
      // One worker: CPython 3.11 can fail compiling in two threads at once ("AST constructor recursion depth mismatch").
      '--workers', '1',
      '--request-timeout', '10',
      '--no-color',
    ];
    const started = Date.now();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(st, args, {
        cwd: workDir, // schemathesis keeps a cache directory in its working directory
        env: {
          ...process.env,
          HOOKLINE_FUZZ_ADMIN_TOKEN: world.env.ADMIN_TOKEN!,
          HOOKLINE_FUZZ_API_KEY: apiKey,
          HOOKLINE_FUZZ_JOB_ID: jobId,
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output: out });
      });
    });
    const tested = /Tested: (\d+)/.exec(output)?.[1];
    const cases = /Test cases:\s*\n\s*(.+)/.exec(output)?.[1];
    console.log(`schemathesis: ${tested ?? '?'} operations; ${cases ?? '?'}; ${Date.now() - started} ms`);
    expect(code, output).toBe(0);
    expect(Number(tested)).toBeGreaterThanOrEqual(29);
  }, 180_000);
});
