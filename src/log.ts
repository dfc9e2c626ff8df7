// A small leveled logger writing one line per message to stderr; secrets are never passed to it.
import { inspect } from 'node:util';
export interface Logger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const threshold = LEVELS[level];
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string, ...rest: unknown[]) => {
    if (LEVELS[name] < threshold) return;
    const extra = rest
      .map((value) => (value instanceof Error ? (value.stack ?? value.message) : typeof value === 'string' ? value : inspect(value, { depth: 4, breakLength: Infinity })))
      .join(' ');
    write(`${new Date().toISOString()} ${name.toUpperCase().padEnd(5)} ${message}${extra ? ' ' + extra : ''}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
