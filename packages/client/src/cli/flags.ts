// Flag parsers every command group shares: lists, integers, headers, enum values and instants. Each
// throws commander's InvalidArgumentError, which it reports as bad usage (exit 2).
import { InvalidArgumentError } from 'commander';

export const csv = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be an integer');
  return Number(value);
}

export function integers(value: string): number[] {
  return csv(value).map(integer);
}

export function header(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf(':') >= 0 ? value.indexOf(':') : value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be name:value');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return upper;
  };
}

export function instant(value: string): string {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(relative[1]) * unit * 1000).toISOString();
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be an ISO 8601 time or a duration ago such as 30m, 2h, 7d');
  return date.toISOString();
}

export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
