// Stripe-style identifiers: a type prefix and a time-ordered suffix (ULID: 48-bit milliseconds,
// 80 random bits, Crockford base32), so ids sort by creation and serve as cursors and index keys.
import { randomFillSync } from 'node:crypto';

export const ID_PREFIXES = {
  Account: 'acct',
  ApiKey: 'key',
  Endpoint: 'ep',
  Event: 'evt',
  Delivery: 'dlv',
  DeliveryAttempt: 'att',
  Source: 'src',
  PortalSession: 'ps',
} as const;

export type IdType = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

let lastTime = -1;
let lastTimeText = '';
let lastRandom: Uint8Array = new Uint8Array(10);

/**
 * Random bytes drawn 2,560 at a time (one call into the CSPRNG per 256 ids, not one per id); each
 * id's 10 are copied out, so a refill never changes an id's bytes that incrementRandom reads.
 */
const entropy = Buffer.allocUnsafe(2_560);
let entropyUsed = entropy.length;
function random10(): Uint8Array {
  if (entropyUsed === entropy.length) {
    randomFillSync(entropy);
    entropyUsed = 0;
  }
  const bytes = new Uint8Array(10);
  bytes.set(entropy.subarray(entropyUsed, entropyUsed + 10));
  entropyUsed += 10;
  return bytes;
}

/** A ULID's 10 time characters: 48-bit milliseconds in Crockford base32 (they sort as the moments do). */
export function ulidTime(ms: number): string {
  let text = '';
  let time = ms;
  for (let i = 0; i < 10; i++) {
    text = ALPHABET[time % 32]! + text;
    time = Math.floor(time / 32);
  }
  return text;
}

function incrementRandom(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] === 255) next[i] = 0;
    else {
      next[i]!++;
      return next;
    }
  }
  return next;
}

/** Monotonic within one process: ids made in the same millisecond still sort in creation order. */
function ulid(now = Date.now()): string {
  let random: Uint8Array;
  if (now <= lastTime) {
    random = incrementRandom(lastRandom);
    now = lastTime;
  } else {
    random = random10();
    lastTime = now;
    // The same for every id of this millisecond.
    lastTimeText = ulidTime(now);
  }
  lastRandom = random;
  let out = lastTimeText;
  // 80 random bits -> 16 base32 characters
  let bits = 0;
  let value = 0;
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

export function newId(type: IdType): string {
  return `${ID_PREFIXES[type]}_${ulid()}`;
}

const byPrefix = new Map<string, IdType>(
  Object.entries(ID_PREFIXES).map(([type, prefix]) => [prefix, type as IdType]),
);

/** The type an id names, from its prefix; null for anything that is not one of our ids. */
export function typeOfId(id: string): IdType | null {
  const match = /^([a-z]+)_[0-9a-z]{26}$/.exec(id);
  return match ? (byPrefix.get(match[1]!) ?? null) : null;
}
