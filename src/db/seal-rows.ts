// Sealing what is stored in clear, and re-sealing under a new key: every endpoint's signing secret,
// retired secrets, custom header values and broker URLs (db/sealer.ts). In batches by endpoint id; a row is
// rewritten only if its secret is still the one read, so a rotation meanwhile is never overwritten.
import { Sealer, SealError } from './sealer.ts';
import type { Sql } from './sql.ts';
import { oneSealedSecretPerKey, rewriteSecrets, SEAL_BATCH, secretsAfter, type SecretsSelection } from './sql/sealing.ts';

async function rewrite(sql: Sql, selection: SecretsSelection, seal: (value: string) => string): Promise<number> {
  let after = '';
  let changed = 0;
  for (;;) {
    const rows = await secretsAfter(sql, selection, after);
    if (rows.length === 0) return changed;
    after = rows.at(-1)!.id;
    const sealed = rows.map((row) => ({
      was: row.signing_secret,
      id: row.id,
      signingSecret: seal(row.signing_secret),
      retiredSecrets: (row.retired_secrets ?? []).map((r) => ({ ...r, secret: seal(r.secret) })),
      headers: row.headers === null ? null : Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, seal(v)])),
      brokerUrl: row.broker_url === null ? null : seal(row.broker_url),
    }));
    await rewriteSecrets(sql, sealed);
    changed += sealed.length;
    if (rows.length < SEAL_BATCH) return changed;
  }
}

/** Seals every value still in clear (rows from before sealing, or written by hand). */
export function sealPlaintextSecrets(sql: Sql, sealer: Sealer): Promise<number> {
  return rewrite(sql, 'in clear', (value) => (Sealer.isSealed(value) ? value : sealer.seal(value)));
}

/** Re-seals every endpoint's values under the sealer's current key (after a new key was put first). */
export function resealAll(sql: Sql, sealer: Sealer): Promise<number> {
  return rewrite(sql, 'all', (value) => sealer.reseal(value));
}

/**
 * Refuses to start with keys that do not open what is stored: a key missing from
 * HOOKWIRE_ENCRYPTION_KEY, or a different key under the same id (another machine's local key
 * file), would otherwise fail every attempt of those endpoints, one at a time, quietly.
 */
export async function checkSealedSecretsOpen(sql: Sql, sealer: Sealer): Promise<void> {
  const rows = await oneSealedSecretPerKey(sql);
  for (const row of rows) {
    try {
      sealer.open(row.signing_secret);
    } catch (error) {
      throw new SealError(
        `the stored secrets cannot be opened with HOOKWIRE_ENCRYPTION_KEY (endpoint ${row.id}): ${(error as Error).message}. ` +
          'Set HOOKWIRE_ENCRYPTION_KEY to the key(s) that sealed them (every key id in use must be listed).',
      );
    }
  }
}

