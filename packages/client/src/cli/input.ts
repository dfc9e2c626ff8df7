// What flags name: a file, stdin (-), inline JSON, or @file; and an input of only the flags given.
import { readFile } from 'node:fs/promises';
import { CliError, EXIT } from './exit.ts';
import type { Io } from './output.ts';

/** An input without the fields whose flags were not given (so that update leaves them as they are). */
export function given<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}

async function readStdin(io: Io): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  return chunks.join('');
}

/** A file's text, or stdin's for `-`. */
export async function readText(io: Io, path: string): Promise<string> {
  if (path === '-') return readStdin(io);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** JSON given inline (an object or array), as @file or a file's path, or - for stdin. */
async function readSource(io: Io, source: string): Promise<string> {
  if (/^\s*[[{]/.test(source)) return source;
  return readText(io, source.startsWith('@') ? source.slice(1) : source);
}

export async function readJson(io: Io, source: string, what: string): Promise<unknown> {
  return parseJson(await readSource(io, source), source === '-' ? `${what} (stdin)` : what);
}

export async function readData(io: Io, source: string | undefined): Promise<string> {
  if (source === undefined) {
    if (io.stdin.isTTY) throw new CliError(EXIT.USAGE, 'No data: pass --data <file>, --data - (stdin), --data <json> or --example');
    return readStdin(io);
  }
  return readSource(io, source);
}

export function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new CliError(EXIT.USAGE, `No data on ${what}: give a JSON value`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${what} is not JSON: ${(error as Error).message}`);
  }
}

/** Only one flag can read stdin. */
export function oneStdin(flags: Record<string, string | undefined>): void {
  const named = Object.entries(flags).filter(([, value]) => value === '-' || value === '@-');
  if (named.length > 1) throw new CliError(EXIT.USAGE, `Only one of ${named.map(([flag]) => flag).join(', ')} can read stdin (-)`);
}
