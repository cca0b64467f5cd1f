import fs from 'node:fs';
import path from 'node:path';
import { run, which } from '../common/exec.ts';
import type { RegistryPaths } from './paths.ts';

/** Pinned so a fresh machine does not fall back to Maven's ancient default (2.8). */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** The `all` classifier is the complete Quarkus fast-jar app (in-memory H2 storage by default). */
export function artifactCoordinates(version: string): string {
  return `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Makes sure `paths.appDir` holds the unpacked Apicurio Registry app: fetched
 * once from Maven Central with `mvn dependency:copy` (so the user's Maven
 * settings, mirrors and ~/.m2 cache apply), unpacked into a staging dir and
 * renamed into place. The marker is written last, so an interrupted download
 * or unpack is redone on the next start.
 */
export async function ensureApicurioApp(paths: RegistryPaths, version: string, log: (msg: string) => void): Promise<void> {
  const coordinates = artifactCoordinates(version);
  if (fs.existsSync(paths.marker) && fs.readFileSync(paths.marker, 'utf8').trim() === coordinates && fs.existsSync(paths.runJar)) return;

  const mvn = which('mvn');
  if (!mvn) throw new Error(`mvn not found on PATH (needed once to fetch ${coordinates}); install Maven (Debian/Ubuntu: apt-get install maven)`);
  const tar = which('tar');
  if (!tar) throw new Error('tar not found on PATH (needed once to unpack the Apicurio Registry app)');

  fs.mkdirSync(paths.cacheDir, { recursive: true });
  fs.rmSync(paths.marker, { force: true });
  const staging = path.join(paths.cacheDir, `.staging-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  try {
    log(`fetching ${coordinates} with Maven (first run downloads ~160 MB)`);
    const started = Date.now();
    const copied = await run(mvn, ['-B', '-q', `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${coordinates}`, `-DoutputDirectory=${staging}`]);
    if (copied.code !== 0) {
      throw new Error(`Maven could not fetch ${coordinates} (exit ${copied.code}):\n${tail(copied.stdout + copied.stderr)}`);
    }
    const archive = fs.readdirSync(staging).find((f) => f.endsWith('.tar.gz'));
    if (!archive) throw new Error(`Maven finished but left no .tar.gz in ${staging}`);

    // The archive holds the fast-jar layout at its top level (quarkus-run.jar, lib/, app/, quarkus/).
    const unpacked = path.join(staging, 'quarkus-app');
    fs.mkdirSync(unpacked);
    const extracted = await run(tar, ['-xzf', path.join(staging, archive), '-C', unpacked]);
    if (extracted.code !== 0) throw new Error(`tar could not unpack ${archive} (exit ${extracted.code}):\n${tail(extracted.stderr)}`);
    if (!fs.existsSync(path.join(unpacked, 'quarkus-run.jar'))) {
      throw new Error(`${archive} has no quarkus-run.jar at its top level; the artifact's layout changed`);
    }

    fs.rmSync(paths.appDir, { recursive: true, force: true });
    fs.renameSync(unpacked, paths.appDir);
    fs.writeFileSync(paths.marker, `${coordinates}\n`);
    log(`fetched and unpacked Apicurio Registry ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s into ${paths.appDir}`);
  } finally {
    // Drops the tarball too: Maven keeps its own copy in the local repository.
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
