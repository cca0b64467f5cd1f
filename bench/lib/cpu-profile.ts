import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Which package (or Hookline file, or Node internals) a frame belongs to. */
const ownerOf = (url: string): string => {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/work/') || url.startsWith('file://')) return url.replace(/^.*\/(packages|services)\//, '$1/');
  return url === '' ? '(native/gc/idle)' : url.startsWith('node:') ? url : `node:${url}`;
};

/**
 * Prints, for each service's V8 CPU profiles in `<dir>/<service>/*.cpuprofile` (written by `--cpu-prof`), the
 * packages and the frames with the most self time. The samples are wall time while not idle: on a busy machine a
 * native call that wakes another process (a socket write) also collects the time its thread waited for a core.
 */
export function printProfileSummaries(dir: string, services: readonly string[]): void {
  for (const service of services) {
    const files = readdirSync(join(dir, service)).filter((f) => f.endsWith('.cpuprofile'));
    for (const f of files) {
      const p = JSON.parse(readFileSync(join(dir, service, f), 'utf8')) as Profile;
      const byId = new Map(p.nodes.map((n) => [n.id, n]));
      const self = new Map<number, number>();
      p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
      const byOwner = new Map<string, number>();
      const byFrame = new Map<string, number>();
      let busy = 0;
      for (const [id, us] of self) {
        const n = byId.get(id)!;
        if (n.callFrame.functionName === '(idle)') continue;
        busy += us;
        const owner = ownerOf(n.callFrame.url);
        byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
        const frame = `${n.callFrame.functionName || '(anonymous)'} ${owner}:${n.callFrame.lineNumber + 1}`;
        byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
      }
      const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `  ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`).join('\n');
      console.log(`\n== ${service}: ${(busy / 1e6).toFixed(2)} s busy in the profile (${f})\n-- by package\n${top(byOwner, 15)}\n-- by frame (self time)\n${top(byFrame, 25)}`);
    }
  }
}
