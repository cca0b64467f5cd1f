import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../common/exec.ts';
import type { KafkaPaths } from './paths.ts';

/** `-cp` value for the cached jars; the JVM expands the trailing `*` itself. */
export function classpath(paths: KafkaPaths): string {
  return `${paths.libs}${path.sep}*`;
}

/**
 * Kafka's Uuid format: 16 random bytes, unpadded base64url. Kafka itself
 * re-rolls ids starting with '-' because they read like CLI flags.
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Formats the KRaft log dir once. meta.properties is what StorageTool writes
 * last, so its presence means a complete, previously formatted data dir. With
 * a static `controller.quorum.voters`, no --standalone/--initial-controllers
 * flag is needed (those are for dynamic quorums). `extraArguments`: e.g. `--add-scram` for SCRAM users (they can only be
 * added this way before the broker first starts).
 */
export async function formatStorageIfNeeded(java: string, paths: KafkaPaths, log: (msg: string) => void, extraArguments: readonly string[] = []): Promise<void> {
  if (fs.existsSync(path.join(paths.dataDir, 'meta.properties'))) return;
  const clusterId = randomClusterId();
  log(`formatting ${paths.dataDir} (cluster id ${clusterId})`);
  const result = await run(java, [
    `-Dlog4j2.configurationFile=${paths.log4jConfig}`,
    '-cp',
    classpath(paths),
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id',
    clusterId,
    '--config',
    paths.serverProperties,
    ...extraArguments,
  ]);
  if (result.code !== 0) {
    throw new Error(`kafka StorageTool format failed (exit ${result.code}):\n${(result.stdout + result.stderr).trim()}`);
  }
}
