import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { which } from '../common/exec.ts';
import type { JaegerPaths } from './paths.ts';

export const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';

/**
 * The Go toolchain's environment: Go's own module and build caches (the user's, as every Go build on the machine
 * uses them — like npm's and Maven's), so another checkout on the same machine builds in seconds; the binary goes to
 * the launcher's cache.
 */
function goEnv(paths: JaegerPaths): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOBIN: path.dirname(paths.binary),
    // -modcacherw: the module cache can be deleted like any other directory.
    GOFLAGS: '-modcacherw -buildvcs=false',
    CGO_ENABLED: '0',
  };
}

/** Runs go with that environment; rejects with the output's tail on failure. */
function go(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-8_000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`go ${args.join(' ')} failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`)),
    );
  });
}

/**
 * The Jaeger v2 binary for `version`, built on first use from the Go module proxy with the Go toolchain and kept
 * in the cache. `go install module/cmd/jaeger@version` refuses this module (its go.mod has a replace directive),
 * so the module is downloaded and its cmd/jaeger built inside it, as its own main module. A cold build takes
 * several minutes on two cores (progress every 30 s); with the caches kept, a rebuild takes seconds.
 */
export async function ensureJaegerBinary(paths: JaegerPaths, version: string, log: (msg: string) => void): Promise<string> {
  if (fs.existsSync(paths.binary)) return paths.binary;
  if (!which('go')) throw new Error('Jaeger is built with the Go toolchain, and `go` is not on PATH (install Go 1.24 or newer)');
  const env = goEnv(paths);
  fs.mkdirSync(path.dirname(paths.binary), { recursive: true });
  fs.mkdirSync(paths.goDir, { recursive: true });
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  log(`building Jaeger ${version} (${JAEGER_MODULE}/cmd/jaeger) with ${which('go')}: the first build takes several minutes; it is cached in ${path.dirname(paths.binary)}`);
  const progress = setInterval(() => log(`still building Jaeger (${elapsed()})…`), 30_000);
  progress.unref();
  try {
    const info = JSON.parse(await go(['mod', 'download', '-json', `${JAEGER_MODULE}@${version}`], paths.goDir, env)) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${JAEGER_MODULE}@${version}: ${info.Error ?? 'no directory'}`);
    log(`downloaded ${JAEGER_MODULE}@${version} (${elapsed()}); compiling…`);
    const tmp = `${paths.binary}.${process.pid}.tmp`;
    await go(['build', '-trimpath', '-ldflags=-s -w', '-o', tmp, './cmd/jaeger'], info.Dir, env);
    fs.renameSync(tmp, paths.binary);
  } finally {
    clearInterval(progress);
  }
  log(`built Jaeger ${version} in ${elapsed()}`);
  return paths.binary;
}
