// The process's logger: pino, one JSON object per line in production (NODE_ENV=production or
// LOG_FORMAT=json), readable lines in development, on stderr. Whatever is logged passes through
// redact(): authorization and signature headers, signing secrets, API keys, tokens and the values
// of custom headers never reach a log line, whoever logs them.
import { inspect } from 'node:util';
import pino from 'pino';

export interface Logger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

export interface LoggerOptions {
  format?: 'json' | 'pretty';
  /** Where each line goes (without its newline); stderr by default. */
  write?: (line: string) => void;
}

export const REDACTED = '[redacted]';

// Keys whose values are secrets wherever they appear.
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|signing_?secret|secrets?|retired_?secrets|api_?key|password|token|verify_?token|.*signature(-256)?)$/i;
// In a `headers` object only these values are shown: the rest may be an endpoint's own credentials.
const PLAIN_HEADERS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'x-webhook-event',
  'x-webhook-id',
  'x-webhook-timestamp',
  'x-webhook-delivery-attempt',
  'retry-after',
]);
// Secrets by their shape, in strings too: API keys (hk_…) and signing secrets (whsec_…).
const SECRET_TEXT = /\b(hk_|whsec_)[A-Za-z0-9+/_=-]{8,}/g;

function redactText(text: string): string {
  return text.replace(SECRET_TEXT, `$1${REDACTED}`);
}

/** A copy of `value` with secrets replaced; bounded in depth so that logging never recurses without end. */
export function redact(value: unknown, depth = 0, inHeaders = false): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    Object.assign(out, { type: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) });
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1);
  }
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key) || (inHeaders && !PLAIN_HEADERS.has(key.toLowerCase()))) out[key] = REDACTED;
    else out[key] = redact(item, depth + 1, key.toLowerCase() === 'headers');
  }
  return out;
}

/** Call-site arguments to pino's (fields, message): Errors become `err`, objects fields, the rest words. */
function entry(message: string, rest: unknown[]): [Record<string, unknown>, string] {
  const fields: Record<string, unknown> = {};
  const words = [message];
  for (const value of rest) {
    if (value instanceof Error) fields.err = value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(fields, value);
    else if (value !== undefined) words.push(typeof value === 'string' ? value : inspect(value, { depth: 4, breakLength: Infinity }));
  }
  return [redact(fields) as Record<string, unknown>, redactText(words.join(' '))];
}

const PRETTY_LEVELS: Record<number, string> = { 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR' };

/** One readable line from one of pino's JSON lines: time, level, message, then any fields. */
function prettyLine(json: string): string {
  const { time, level, msg, err, ...fields } = JSON.parse(json) as { time: string; level: number; msg: string; err?: { stack?: string; message?: string } } & Record<string, unknown>;
  const extra = Object.keys(fields).length > 0 ? ' ' + inspect(fields, { depth: 4, breakLength: Infinity }) : '';
  const error = err ? ' ' + (err.stack ?? err.message ?? '') : '';
  return `${time} ${(PRETTY_LEVELS[level] ?? String(level)).padEnd(5)} ${msg}${extra}${error}`;
}

export function createLogger(level: LogLevel = 'info', output: LoggerOptions | LoggerOptions['write'] = {}): Logger {
  const options = typeof output === 'function' ? { write: output } : output;
  const format = options.format ?? 'pretty';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const destination = {
    write(chunk: string) {
      const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
      write(format === 'json' ? line : prettyLine(line));
    },
  };
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      serializers: { err: (error: unknown) => error },
    },
    destination,
  );
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string, ...rest: unknown[]) => {
    if (!log.isLevelEnabled(name)) return;
    const [fields, text] = entry(message, rest);
    log[name](fields, text);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
