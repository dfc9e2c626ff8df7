// Secrets at rest: endpoints' signing secrets (current and retired) and the values of their custom
// headers are stored sealed with AES-256-GCM, never in clear, so a database dump is not every
// customer's secret (Svix seals them too). A sealed value names the key that sealed it:
//   hwsealed:v1:<key id>:<base64 of 12-byte IV | ciphertext | 16-byte tag>
// Keys come from HOOKWIRE_ENCRYPTION_KEY ("<id>:<base64 32 bytes>", several comma-separated: the
// first seals, all open), so keys rotate: add a new first key, run `npm run reseal`, drop the old.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';

const PREFIX = 'hwsealed:v1:';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface SealingKey {
  id: string;
  key: Buffer;
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

export class Sealer {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;
  private readonly current: Buffer;
  /**
   * Values opened already, by their sealed text: a worker opens an endpoint's secret for every
   * slice of its lane, and the decipher cost more than the slice's signatures. A sealed text
   * (random IV) always opens to the same value under these keys. Bounded; failures are not kept.
   */
  private readonly opened = new LRUCache<string, string>({ max: 10_000 });

  constructor(keys: readonly SealingKey[]) {
    if (keys.length === 0) throw new SealError('at least one encryption key is needed');
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new SealError(`encryption key id ${JSON.stringify(id)} must be 1 to 32 letters, digits, - or _`);
      if (key.length !== 32) throw new SealError(`encryption key ${id} must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
    }
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    if (this.keys.size !== keys.length) throw new SealError('encryption key ids must be unique');
    this.currentKeyId = keys[0]!.id;
    this.current = keys[0]!.key;
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** The key id of a sealed value (null for a value in clear). */
  static keyIdOf(value: string): string | null {
    if (!Sealer.isSealed(value)) return null;
    return value.slice(PREFIX.length, value.indexOf(':', PREFIX.length));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${this.currentKeyId}:${sealed.toString('base64')}`;
  }

  /** The value in clear. A value that is not sealed (written before sealing existed) is returned as it is. */
  open(value: string): string {
    if (!Sealer.isSealed(value)) return value;
    let plain = this.opened.get(value);
    if (plain === undefined) this.opened.set(value, (plain = this.decipher(value)));
    return plain;
  }

  private decipher(value: string): string {
    const rest = value.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    const id = rest.slice(0, colon);
    const key = this.keys.get(id);
    if (!key) throw new SealError(`a secret is sealed with encryption key ${JSON.stringify(id)}, which HOOKWIRE_ENCRYPTION_KEY does not hold`);
    const data = Buffer.from(rest.slice(colon + 1), 'base64');
    if (data.length < 28) throw new SealError('a sealed secret is damaged');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    try {
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError(`a secret sealed with key ${JSON.stringify(id)} does not open with it (damaged, or the key changed)`);
    }
  }

  /** Sealed under the current key: a value sealed with an older key (or in clear) is sealed again. */
  reseal(value: string): string {
    return Sealer.keyIdOf(value) === this.currentKeyId ? value : this.seal(this.open(value));
  }
}

/** HOOKWIRE_ENCRYPTION_KEY: "<id>:<base64>" entries, comma-separated; a bare base64 key is key "k1". */
export function parseEncryptionKeys(raw: string): SealingKey[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      const [id, encoded] = colon < 0 ? ['k1', entry] : [entry.slice(0, colon), entry.slice(colon + 1)];
      return { id, key: Buffer.from(encoded, 'base64') };
    });
}

/**
 * The key a development setup keeps for itself: <dataDir>/encryption.key, made on first use
 * (readable by its owner only). Production must bring its own (see config.ts).
 */
export async function localEncryptionKey(dataDir: string): Promise<SealingKey[]> {
  const file = join(dataDir, 'encryption.key');
  try {
    return parseEncryptionKeys(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = `local:${randomBytes(32).toString('base64')}`;
  // Written aside, then linked into place: two processes starting at once never each keep a
  // different key, and neither reads a half-written file (link fails when the file exists).
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${key}\n`, { mode: 0o600 });
  try {
    await link(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside).catch(() => {});
  }
  return parseEncryptionKeys(await readFile(file, 'utf8'));
}
