import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

/** Where commands read files and stdin from (tests pass their own). */
export interface InputSource {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Reads all of stdin as bytes; refuses when stdin is a terminal (nothing was piped in). */
export async function readStdin(io: InputSource, what: string): Promise<Buffer> {
  if (io.stdin.isTTY) throw new UsageError(`${what}: nothing on stdin (pipe it in, or name a file)`);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Reads a file, or stdin for `-`; a missing file is a usage error. */
export async function readPath(io: InputSource, path: string, what: string): Promise<Buffer> {
  if (path === '-') return readStdin(io, what);
  try {
    return await readFile(path);
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A value given inline, as `@path` (curl's convention) or as `-` for stdin. */
export async function readInlineOrFile(io: InputSource, value: string, what: string): Promise<string> {
  if (value === '-') return (await readStdin(io, what)).toString('utf8');
  if (value.startsWith('@')) return (await readPath(io, value.slice(1), what)).toString('utf8');
  return value;
}
