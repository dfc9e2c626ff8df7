// Sealing what is stored in clear, and re-sealing under a new key: every endpoint's signing secret,
// retired secrets and custom header values (db/sealer.ts). In batches by endpoint id; a row is
// rewritten only if its secret is still the one read, so a rotation meanwhile is never overwritten.
import { Sealer, SealError } from './sealer.ts';
import type { Sql, Statement } from './sql.ts';

interface Row {
  id: string;
  signing_secret: string;
  retired_secrets: Array<{ secret: string; expiresAt: string }> | null;
  headers: Record<string, string> | null;
}

const BATCH = 500;
const COLUMNS = 'id, signing_secret, retired_secrets, headers';

/** Rows holding any value in clear. */
const IN_CLEAR: Statement = {
  name: 'hookwire_seal_rows_in_clear',
  text: `SELECT ${COLUMNS} FROM endpoint
         WHERE id > $1 AND (
           NOT starts_with(signing_secret, 'hwsealed:')
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(retired_secrets) r WHERE NOT starts_with(r->>'secret', 'hwsealed:'))
           OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(headers) = 'object' THEN headers ELSE '{}'::jsonb END) h
                      WHERE NOT starts_with(h.value, 'hwsealed:')))
         ORDER BY id LIMIT ${BATCH}`,
};

const ALL: Statement = {
  name: 'hookwire_seal_rows_all',
  text: `SELECT ${COLUMNS} FROM endpoint WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
};

const REWRITE: Statement = {
  name: 'hookwire_seal_rows_rewrite',
  text: `UPDATE endpoint e SET signing_secret = u.signing_secret, retired_secrets = u.retired_secrets::jsonb, headers = u.headers::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, signing_secret, retired_secrets, headers, was)
         WHERE e.id = u.id AND e.signing_secret = u.was`,
};

async function rewrite(sql: Sql, select: Statement, seal: (value: string) => string): Promise<number> {
  let after = '';
  let changed = 0;
  for (;;) {
    const rows = await sql.query<Row>(select, [after]);
    if (rows.length === 0) return changed;
    after = rows.at(-1)!.id;
    const sealed = rows.map((row) => ({
      was: row.signing_secret,
      id: row.id,
      signing_secret: seal(row.signing_secret),
      retired_secrets: JSON.stringify((row.retired_secrets ?? []).map((r) => ({ ...r, secret: seal(r.secret) }))),
      headers: row.headers === null ? null : JSON.stringify(Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, seal(v)]))),
    }));
    await sql.query(REWRITE, [
      sealed.map((s) => s.id),
      sealed.map((s) => s.signing_secret),
      sealed.map((s) => s.retired_secrets),
      sealed.map((s) => s.headers),
      sealed.map((s) => s.was),
    ]);
    changed += sealed.length;
    if (rows.length < BATCH) return changed;
  }
}

/** Seals every value still in clear (rows from before sealing, or written by hand). */
export function sealPlaintextSecrets(sql: Sql, sealer: Sealer): Promise<number> {
  return rewrite(sql, IN_CLEAR, (value) => (Sealer.isSealed(value) ? value : sealer.seal(value)));
}

/** Re-seals every endpoint's values under the sealer's current key (after a new key was put first). */
export function resealAll(sql: Sql, sealer: Sealer): Promise<number> {
  return rewrite(sql, ALL, (value) => sealer.reseal(value));
}

/** One stored signing secret per key id that sealed any (current secrets: what every attempt opens). */
const ONE_PER_KEY: Statement = {
  name: 'hookwire_seal_rows_one_per_key',
  text: `SELECT DISTINCT ON (split_part(signing_secret, ':', 3)) id, signing_secret FROM endpoint
         WHERE starts_with(signing_secret, 'hwsealed:') ORDER BY split_part(signing_secret, ':', 3), id`,
};

/**
 * Refuses to start with keys that do not open what is stored: a key missing from
 * HOOKWIRE_ENCRYPTION_KEY, or a different key under the same id (another machine's local key
 * file), would otherwise fail every attempt of those endpoints, one at a time, quietly.
 */
export async function checkSealedSecretsOpen(sql: Sql, sealer: Sealer): Promise<void> {
  const rows = await sql.query<{ id: string; signing_secret: string }>(ONE_PER_KEY, []);
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

