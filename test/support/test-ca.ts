import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate with its unencrypted PKCS#8 key. */
export interface Issued {
  certificatePem: string;
  keyPem: string;
}

/**
 * A throwaway certificate authority made with openssl, for tests of TLS clients and servers on loopback: it issues
 * server certificates (for 127.0.0.1 and localhost) and client certificates. Nothing is trusted outside the test.
 */
export class TestCa {
  readonly #dir: string;
  readonly caPem: string;
  #serial = 1;

  constructor(name = 'Hookline test CA') {
    this.#dir = mkdtempSync(join(tmpdir(), 'hookline-test-ca-'));
    this.#openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', this.#file('ca.key'), '-out', this.#file('ca.pem'), '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    this.caPem = readFileSync(this.#file('ca.pem'), 'utf8');
  }

  /** A server certificate for 127.0.0.1, ::1 and localhost. */
  server(cn = 'localhost'): Issued {
    return this.#issue(cn, 'serverAuth', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost');
  }

  /** A client certificate (mutual TLS). */
  client(cn: string): Issued {
    return this.#issue(cn, 'clientAuth');
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #issue(cn: string, usage: string, san?: string): Issued {
    const n = this.#serial++;
    const [key, csr, crt, ext] = ['key', 'csr', 'pem', 'ext'].map((suffix) => this.#file(`${n}.${suffix}`)) as [string, string, string, string];
    this.#openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
    writeFileSync(ext, [`extendedKeyUsage=${usage}`, 'basicConstraints=CA:FALSE', ...(san ? [san] : [])].join('\n'));
    this.#openssl(['x509', '-req', '-in', csr, '-CA', this.#file('ca.pem'), '-CAkey', this.#file('ca.key'), '-set_serial', String(1000 + n), '-days', '2', '-out', crt, '-extfile', ext]);
    return { certificatePem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') };
  }

  #file(name: string): string {
    return join(this.#dir, name);
  }

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  }
}
