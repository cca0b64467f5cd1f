import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const RCODE_NXDOMAIN = 3;

/** One question the server was asked. */
export interface DnsQuery {
  name: string;
  type: 'A' | 'AAAA' | number;
}

/**
 * A tiny authoritative DNS server over UDP on 127.0.0.1, for tests that need names resolving to chosen addresses
 * without touching /etc/hosts or /etc/resolv.conf (point `DNS_SERVERS` at `address`). Each name answers A and
 * AAAA from its current step, TTL 0; `set(name, first, then)` makes the first question of each type answer
 * `first` and every later one `then` (DNS rebinding). Unknown names are NXDOMAIN. It records every question.
 */
export class DnsServer {
  readonly queries: DnsQuery[] = [];
  readonly #names = new Map<string, { steps: string[][]; asked: Map<number, number> }>();
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async start(): Promise<DnsServer> {
    const socket = createSocket('udp4');
    const server = new DnsServer(socket);
    socket.on('message', (msg, rinfo) => server.#answer(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** `127.0.0.1:port`, as `DNS_SERVERS` takes it. */
  get address(): string {
    return `127.0.0.1:${this.#socket.address().port}`;
  }

  /** Makes `name` answer `steps[0]` (IPv4, and IPv6 in hex groups, mixed), then each later step, the last one for good. */
  set(name: string, ...steps: string[][]): void {
    this.#names.set(normalise(name), { steps, asked: new Map() });
  }

  /** How many questions of `type` were asked about `name`. */
  asked(name: string, type: 'A' | 'AAAA'): number {
    return this.queries.filter((q) => q.name === normalise(name) && q.type === type).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #answer(msg: Buffer, rinfo: RemoteInfo): void {
    const question = parseQuestion(msg);
    if (!question) return;
    const { name, type, end } = question;
    this.queries.push({ name, type: type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : type });
    const entry = this.#names.get(name);
    let rcode = 0;
    let addresses: string[] = [];
    if (!entry) rcode = RCODE_NXDOMAIN;
    else if (type === TYPE_A || type === TYPE_AAAA) {
      const n = entry.asked.get(type) ?? 0;
      entry.asked.set(type, n + 1);
      const step = entry.steps[Math.min(n, entry.steps.length - 1)] ?? [];
      addresses = step.filter((a) => isIP(a) === (type === TYPE_A ? 4 : 6));
    }
    this.#socket.send(buildAnswer(msg, end, type, rcode, addresses), rinfo.port, rinfo.address);
  }
}

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** The first question's name and type, and where the question section ends; null for what is not a query. */
function parseQuestion(msg: Buffer): { name: string; type: number; end: number } | null {
  if (msg.length < 12 || (msg[2]! & 0x80) !== 0 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i]!;
    if (len > 63 || i + 1 + len > msg.length) return null;
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return null;
  return { name: normalise(labels.join('.')), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

/** The response: header (id and RD copied, QR AA RA set), the question as asked, then one record per address. */
function buildAnswer(query: Buffer, questionEnd: number, type: number, rcode: number, addresses: string[]): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header[2] = 0x84 | (query[2]! & 0x01);
  header[3] = 0x80 | rcode;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((address) => {
    const data = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the name in the question
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(0, 6); // TTL 0: nobody caches
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, k) => out.writeUInt16BE(parseInt(g, 16), k * 2));
  return out;
}
