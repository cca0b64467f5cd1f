import fs from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { run, which } from '../common/exec.ts';

/** Quarkus 3's own floor, assumed when the app's bytecode level cannot be read. */
const FALLBACK_JAVA_MAJOR = 17;

/** Env var naming a JDK (or JRE) home to use instead of searching for one. */
export const JAVA_HOME_ENV = 'HOOKLINE_SCHEMA_REGISTRY_JAVA_HOME';

/** Directories whose subdirectories are JDK homes, on Linux and macOS. */
const JDK_ROOTS = ['/usr/lib/jvm', '/usr/local/lib/jvm', '/opt/java', '/Library/Java/JavaVirtualMachines'];

/** A Java runtime found on this machine. */
export interface JavaRuntime {
  java: string;
  major: number;
}

/**
 * Class-file major version of the first class in a jar (Java N compiles to
 * N + 44). Reads the zip's central directory directly so no `unzip` is needed.
 */
function jarClassMajor(jar: string): number | undefined {
  const zip = fs.readFileSync(jar);
  // End-of-central-directory record: 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = zip.readUInt16LE(eocd + 10);
  let entry = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries && zip.readUInt32LE(entry) === 0x02014b50; n++) {
    const method = zip.readUInt16LE(entry + 10);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const next = entry + 46 + nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    if (name.endsWith('.class') && !name.endsWith('module-info.class') && !name.startsWith('META-INF/')) {
      const local = zip.readUInt32LE(entry + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressedSize);
      const bytes = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
      return bytes && bytes.readUInt32BE(0) === 0xcafebabe ? bytes.readUInt16BE(6) : undefined;
    }
    entry = next;
  }
  return undefined;
}

/**
 * The lowest Java release that can run the unpacked app, read from the
 * bytecode level of its own jar (`app/*.jar`): Apicurio 3.3 targets Java 21,
 * while Quarkus' libraries still target 17.
 */
export function requiredJavaMajor(appDir: string): number {
  try {
    const appJars = fs.readdirSync(path.join(appDir, 'app')).filter((f) => f.endsWith('.jar'));
    const majors = appJars.map((f) => jarClassMajor(path.join(appDir, 'app', f)) ?? 0);
    const highest = Math.max(0, ...majors);
    return highest > 44 ? Math.max(highest - 44, FALLBACK_JAVA_MAJOR) : FALLBACK_JAVA_MAJOR;
  } catch {
    return FALLBACK_JAVA_MAJOR;
  }
}

/** Feature release of the Java at `java`: from the JDK's `release` file, else `java -version`. */
async function javaMajor(java: string): Promise<number | undefined> {
  const home = path.dirname(path.dirname(fs.realpathSync(java)));
  let match: RegExpExecArray | null = null;
  try {
    match = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(fs.readFileSync(path.join(home, 'release'), 'utf8'));
  } catch {
    // No release file (unusual layout): ask the runtime itself, which is slower.
  }
  if (!match) {
    const { stdout, stderr } = await run(java, ['-version']);
    match = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
  }
  if (!match) return undefined;
  return Number(match[1] === '1' ? match[2] : match[1]);
}

function javaIn(home: string): string | undefined {
  for (const candidate of [path.join(home, 'bin', 'java'), path.join(home, 'Contents', 'Home', 'bin', 'java')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** JDKs installed in the usual system locations, whichever is on PATH or not. */
function installedJavas(): string[] {
  const found: string[] = [];
  for (const root of JDK_ROOTS) {
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const java = javaIn(path.join(root, name));
      if (java) found.push(java);
    }
  }
  return found;
}

/**
 * Picks a Java runtime of at least `minMajor`: `$HOOKLINE_SCHEMA_REGISTRY_JAVA_HOME`
 * when set (and then nothing else), else `$JAVA_HOME` or the `java` on PATH when
 * recent enough, else the oldest sufficient JDK under the usual install roots
 * (on Debian the default 17 sits beside e.g. a Temurin 21/25 in /usr/lib/jvm).
 */
export async function findJava(minMajor: number): Promise<JavaRuntime> {
  const hint = `install a JDK ${minMajor}+ or point ${JAVA_HOME_ENV} at one`;
  const forced = process.env[JAVA_HOME_ENV];
  if (forced) {
    const java = javaIn(forced);
    if (!java) throw new Error(`${JAVA_HOME_ENV}=${forced} has no bin/java`);
    const major = await javaMajor(java);
    if (major === undefined || major < minMajor) {
      throw new Error(`${JAVA_HOME_ENV}=${forced} is Java ${major ?? '(unknown)'}, Apicurio needs ${minMajor}+`);
    }
    return { java, major };
  }

  const seen = new Set<string>();
  const tried: string[] = [];
  const consider = async (java: string | undefined): Promise<JavaRuntime | undefined> => {
    if (!java) return undefined;
    const real = fs.realpathSync(java);
    if (seen.has(real)) return undefined;
    seen.add(real);
    const major = await javaMajor(java).catch(() => undefined);
    tried.push(`${java} (Java ${major ?? '?'})`);
    return major !== undefined && major >= minMajor ? { java, major } : undefined;
  };

  const fromHome = process.env.JAVA_HOME ? javaIn(process.env.JAVA_HOME) : undefined;
  const preferred = (await consider(fromHome)) ?? (await consider(which('java')));
  if (preferred) return preferred;

  const sufficient: JavaRuntime[] = [];
  for (const java of installedJavas()) {
    const runtime = await consider(java);
    if (runtime) sufficient.push(runtime);
  }
  sufficient.sort((a, b) => a.major - b.major);
  const oldest = sufficient[0];
  if (oldest) return oldest;
  throw new Error(`no Java ${minMajor}+ found (${hint}); tried: ${tried.join(', ') || 'nothing'}`);
}
