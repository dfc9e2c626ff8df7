// Broker URLs (amqp://, amqps://, nats://, tls://, redis://, rediss://): parsed and checked part by
// part, shown masked, and kept so that their credentials reach no message, log line or JSON.

import net from 'node:net';
import { inspect } from 'node:util';

export const BROKER_KINDS = ['RABBITMQ', 'NATS', 'REDIS_STREAM'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

interface Scheme {
  kind: BrokerKind;
  tls: boolean;
  port: number;
}

const SCHEMES: Readonly<Record<string, Scheme>> = {
  amqp: { kind: 'RABBITMQ', tls: false, port: 5672 },
  amqps: { kind: 'RABBITMQ', tls: true, port: 5671 },
  nats: { kind: 'NATS', tls: false, port: 4222 },
  tls: { kind: 'NATS', tls: true, port: 4222 },
  redis: { kind: 'REDIS_STREAM', tls: false, port: 6379 },
  rediss: { kind: 'REDIS_STREAM', tls: true, port: 6379 },
};

const SCHEMES_OF: Readonly<Record<BrokerKind, string>> = {
  RABBITMQ: 'amqp:// or amqps://',
  NATS: 'nats:// or tls://',
  REDIS_STREAM: 'redis:// or rediss://',
};

/** What the masked form shows instead of a password or a NATS token. */
export const MASK = '****';

export type BrokerUrlPart = 'url' | 'scheme' | 'credentials' | 'host' | 'port' | 'path' | 'query' | 'fragment';

export interface BrokerUrlProblem {
  part: BrokerUrlPart;
  message: string;
}

/** Every problem of a broker URL at once, each naming its part; never the URL or its credentials. */
export class BrokerUrlError extends Error {
  readonly problems: readonly BrokerUrlProblem[];

  constructor(problems: BrokerUrlProblem[]) {
    super(`invalid broker URL: ${problems.map((p) => `${p.part}: ${p.message}`).join('; ')}`);
    this.name = 'BrokerUrlError';
    this.problems = problems;
  }
}

interface BrokerUrlFields {
  kind: BrokerKind;
  scheme: string;
  tls: boolean;
  host: string;
  port: number;
  username: string | null;
  password: string | null;
  vhost: string | null;
  database: number | null;
  heartbeatSeconds: number | null;
}

/**
 * A checked broker URL. Its password (or NATS token) is private: toString, toJSON and
 * util.inspect all give the masked form, so logging the object by mistake leaks nothing.
 */
export class BrokerUrl {
  readonly kind: BrokerKind;
  readonly scheme: string;
  readonly tls: boolean;
  /** The host name or IP address as written (an IPv6 address without its brackets). */
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  /** RABBITMQ: the virtual host, '/' when the URL names none. */
  readonly vhost: string | null;
  /** REDIS_STREAM: the database number, 0 when the URL names none. */
  readonly database: number | null;
  /** RABBITMQ: the heartbeat the URL asks for, in seconds; null for the broker's own. */
  readonly heartbeatSeconds: number | null;
  /** The URL with its password or token replaced by ****: what may be shown, stored in plain text and logged. */
  readonly display: string;
  readonly #password: string | null;

  constructor(fields: BrokerUrlFields) {
    this.kind = fields.kind;
    this.scheme = fields.scheme;
    this.tls = fields.tls;
    this.host = fields.host;
    this.port = fields.port;
    this.username = fields.username;
    this.vhost = fields.vhost;
    this.database = fields.database;
    this.heartbeatSeconds = fields.heartbeatSeconds;
    this.#password = fields.password;
    this.display = maskedForm(this);
  }

  /** The password; for a NATS URL with a user and no password, that user is a token (see secrets). */
  get password(): string | null {
    return this.#password;
  }

  /** Every credential string in the URL: what scrub() removes from a client library's messages. */
  secrets(): string[] {
    const out: string[] = [];
    if (this.#password) out.push(this.#password);
    if (this.kind === 'NATS' && this.username && !this.#password) out.push(this.username);
    return out;
  }

  toString(): string {
    return this.display;
  }

  toJSON(): string {
    return this.display;
  }

  [inspect.custom](): string {
    return `BrokerUrl(${this.display})`;
  }
}

function hostPart(url: { host: string; port: number; scheme: string }): string {
  const host = net.isIPv6(url.host) ? `[${url.host}]` : url.host;
  return url.port === SCHEMES[url.scheme]!.port ? host : `${host}:${url.port}`;
}

function maskedForm(url: BrokerUrl): string {
  const enc = (s: string) => encodeURIComponent(s);
  let userinfo = '';
  // A NATS URL's lone user part is a token: a secret like a password.
  if (url.kind === 'NATS' && url.username && !url.password) userinfo = `${MASK}@`;
  else if (url.username && url.password) userinfo = `${enc(url.username)}:${MASK}@`;
  else if (url.password) userinfo = `:${MASK}@`;
  else if (url.username) userinfo = `${enc(url.username)}@`;
  let path = '';
  if (url.vhost !== null) path = `/${url.vhost === '/' ? '' : enc(url.vhost)}`;
  if (url.database !== null && url.database !== 0) path = `/${url.database}`;
  const query = url.heartbeatSeconds === null ? '' : `?heartbeat=${url.heartbeatSeconds}`;
  return `${url.scheme}://${userinfo}${hostPart(url)}${path}${query}`;
}

// scheme://[userinfo@]hostport[path][?query][#fragment]; the parts are checked one by one below.
const SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/s;
// DNS names, leniently: letters, digits, hyphens and underscores (container hostnames use them).
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** The kind a URL's scheme names, or null: for choosing the destination kind from a URL. */
export function brokerKindOfUrl(raw: string): BrokerKind | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw.trim())?.[1]?.toLowerCase();
  return (scheme && SCHEMES[scheme]?.kind) || null;
}

/**
 * Parses and checks a broker URL, for `kind` when given (an amqp:// URL for a NATS destination is a
 * scheme problem). Throws a BrokerUrlError listing every bad part.
 */
export function parseBrokerUrl(raw: string, kind?: BrokerKind): BrokerUrl {
  const problems: BrokerUrlProblem[] = [];
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length === 0) throw new BrokerUrlError([{ part: 'url', message: 'a broker URL is required' }]);
  if (text.length > 2048) throw new BrokerUrlError([{ part: 'url', message: 'must be at most 2048 characters long' }]);
  if (/[\s\0-\x1f\x7f]/.test(text)) throw new BrokerUrlError([{ part: 'url', message: 'must not contain spaces or control characters' }]);
  const match = SHAPE.exec(text);
  if (!match) {
    const wanted = kind ? SCHEMES_OF[kind] : 'amqp(s)://, nats://, tls:// or redis(s)://';
    throw new BrokerUrlError([{ part: 'url', message: `is not a URL of the form ${wanted}host[:port]` }]);
  }
  const [, schemeRaw, userinfo, hostport, path, query, fragment] = match;
  const scheme = schemeRaw!.toLowerCase();
  const known = SCHEMES[scheme];
  if (!known) {
    problems.push({ part: 'scheme', message: `${scheme}:// is not a broker scheme: use ${kind ? SCHEMES_OF[kind] : 'amqp(s)://, nats://, tls:// or redis(s)://'}` });
  } else if (kind && known.kind !== kind) {
    problems.push({ part: 'scheme', message: `a ${kind} broker needs ${SCHEMES_OF[kind]}, not ${scheme}://` });
  }
  const brokerKind = kind ?? known?.kind ?? null;

  let username: string | null = null;
  let password: string | null = null;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    const pass = colon === -1 ? null : userinfo.slice(colon + 1);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return null;
      }
    };
    const u = decode(user);
    const p = pass === null ? null : decode(pass);
    if (u === null || (pass !== null && p === null)) {
      problems.push({ part: 'credentials', message: 'are not valid percent-encoding (write reserved characters as %XX)' });
    } else {
      username = u === '' ? null : u;
      password = p === null || p === '' ? null : p;
      if (username === null && password === null) problems.push({ part: 'credentials', message: 'are empty: remove the @ or give a user' });
    }
  }

  const { host, port, hostProblems } = splitHostPort(hostport!, known?.port ?? 0);
  problems.push(...hostProblems);

  let vhost: string | null = null;
  let database: number | null = null;
  const pathText = path ?? '';
  if (brokerKind === 'RABBITMQ') {
    const segment = pathText.replace(/^\//, '');
    if (segment.includes('/')) {
      problems.push({ part: 'path', message: 'the virtual host is one path segment: write a "/" inside it as %2F' });
    } else {
      try {
        vhost = segment === '' ? '/' : decodeURIComponent(segment);
      } catch {
        problems.push({ part: 'path', message: 'the virtual host is not valid percent-encoding' });
      }
    }
  } else if (brokerKind === 'REDIS_STREAM') {
    const segment = pathText.replace(/^\//, '');
    if (segment === '') database = 0;
    else if (/^\d{1,5}$/.test(segment)) database = Number(segment);
    else problems.push({ part: 'path', message: 'must be empty or a database number, such as /0' });
  } else if (brokerKind === 'NATS' && pathText !== '' && pathText !== '/') {
    problems.push({ part: 'path', message: 'a NATS URL has no path' });
  }

  let heartbeatSeconds: number | null = null;
  if (query !== undefined && query !== '') {
    for (const pair of query.split('&')) {
      const [name, value = ''] = pair.split('=');
      if (brokerKind === 'RABBITMQ' && name === 'heartbeat') {
        if (/^\d{1,4}$/.test(value) && Number(value) <= 3600) heartbeatSeconds = Number(value);
        else problems.push({ part: 'query', message: 'heartbeat must be a number of seconds from 0 to 3600' });
      } else {
        const allowed = brokerKind === 'RABBITMQ' ? ' (only heartbeat is)' : '';
        problems.push({ part: 'query', message: `the parameter "${decodeSafely(name!)}" is not supported${allowed}` });
      }
    }
  }
  if (fragment !== undefined) problems.push({ part: 'fragment', message: 'a broker URL has no #fragment' });

  if (problems.length > 0 || !known || !brokerKind) throw new BrokerUrlError(problems);
  return new BrokerUrl({ kind: brokerKind, scheme, tls: known.tls, host, port, username, password, vhost, database, heartbeatSeconds });
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s).slice(0, 64);
  } catch {
    return s.slice(0, 64);
  }
}

function splitHostPort(hostport: string, defaultPort: number): { host: string; port: number; hostProblems: BrokerUrlProblem[] } {
  const hostProblems: BrokerUrlProblem[] = [];
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    host = end === -1 ? hostport.slice(1) : hostport.slice(1, end);
    const rest = end === -1 ? '' : hostport.slice(end + 1);
    if (end === -1 || !net.isIPv6(host)) hostProblems.push({ part: 'host', message: 'is not a valid IPv6 address in [brackets]' });
    if (rest !== '') {
      if (rest.startsWith(':')) portText = rest.slice(1);
      else hostProblems.push({ part: 'host', message: 'unexpected characters after the IPv6 address' });
    }
  } else {
    const colon = hostport.lastIndexOf(':');
    host = colon === -1 ? hostport : hostport.slice(0, colon);
    portText = colon === -1 ? undefined : hostport.slice(colon + 1);
    if (host === '') hostProblems.push({ part: 'host', message: 'is required' });
    else if (host.includes(':')) hostProblems.push({ part: 'host', message: 'an IPv6 address must be written in [brackets]' });
    else if (net.isIPv4(host)) {
      // a dotted quad is an address, whatever HOST_NAME would say of it
    } else if (!HOST_NAME.test(host)) {
      hostProblems.push({ part: 'host', message: 'is not a valid host name (letters, digits, hyphens, dots)' });
    }
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      hostProblems.push({ part: 'port', message: 'must be a number from 1 to 65535' });
    } else port = Number(portText);
  }
  return { host: host.toLowerCase().replace(/\.$/, ''), port, hostProblems };
}

/**
 * A client library's message with every credential of `url` replaced by ****: libraries sometimes
 * echo what they were given, and an attempt's error text is stored and shown.
 */
export function scrub(message: string, url: BrokerUrl | null): string {
  let out = message;
  for (const secret of url?.secrets() ?? []) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (form.length > 0) out = out.split(form).join(MASK);
    }
  }
  // Any URL a library printed with credentials in it, ours or not.
  return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]*)@/gi, `$1$2:${MASK}@`);
}
