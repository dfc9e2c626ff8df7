// The sealing maintenance's statements (db/seal-rows.ts decides what each value becomes): reading
// endpoints' secrets, header values and broker URLs a batch at a time in id order, rewriting a batch, and one
// sealed secret per key id for the start-up check.
import { statement, type NoParams, type Sql } from '../sql.ts';

export interface SecretsRow {
  id: string;
  signing_secret: string;
  retired_secrets: Array<{ secret: string; expiresAt: string }> | null;
  headers: Record<string, string> | null;
  /** A broker destination's URL, credentials included; null for HTTP. */
  broker_url: string | null;
}

export const SEAL_BATCH = 500;
const COLUMNS = 'id, signing_secret, retired_secrets, headers, broker_url';

export const IN_CLEAR = statement<{ after: string }, SecretsRow>(
  'hookwire_seal_rows_in_clear',
  ($) => `
    SELECT ${COLUMNS} FROM endpoint
    WHERE id > ${$.after} AND (
      NOT starts_with(signing_secret, 'hwsealed:')
      OR NOT starts_with(broker_url, 'hwsealed:')
      OR EXISTS (SELECT 1 FROM jsonb_array_elements(retired_secrets) r WHERE NOT starts_with(r->>'secret', 'hwsealed:'))
      OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(headers) = 'object' THEN headers ELSE '{}'::jsonb END) h
                 WHERE NOT starts_with(h.value, 'hwsealed:')))
    ORDER BY id LIMIT ${SEAL_BATCH}`,
);

export const ALL = statement<{ after: string }, SecretsRow>(
  'hookwire_seal_rows_all',
  ($) => `SELECT ${COLUMNS} FROM endpoint WHERE id > ${$.after} ORDER BY id LIMIT ${SEAL_BATCH}`,
);

/** Which rows a pass reads: those holding any value in clear, or every one. */
export type SecretsSelection = 'in clear' | 'all';

/** The next batch after id `after` ('' to start). */
export function secretsAfter(sql: Sql, selection: SecretsSelection, after: string): Promise<SecretsRow[]> {
  return sql.query(selection === 'in clear' ? IN_CLEAR : ALL, { after });
}

export interface SecretsRewrite {
  id: string;
  signingSecret: string;
  retiredSecrets: ReadonlyArray<{ secret: string; expiresAt: string }>;
  headers: Record<string, string> | null;
  brokerUrl: string | null;
  /** The signing secret as it was read: a row rotated meanwhile is left alone. */
  was: string;
}

export const REWRITE = statement<
  { rows: readonly SecretsRewrite[] },
  Record<string, never>,
  { ids: string[]; signingSecrets: string[]; retiredSecrets: string[]; headers: Array<string | null>; brokerUrls: Array<string | null>; was: string[] }
>(
  'hookwire_seal_rows_rewrite',
  ($) => `
    UPDATE endpoint e SET signing_secret = u.signing_secret, retired_secrets = u.retired_secrets::jsonb, headers = u.headers::jsonb,
      broker_url = u.broker_url
    FROM unnest(${$.ids}::text[], ${$.signingSecrets}::text[], ${$.retiredSecrets}::text[], ${$.headers}::text[], ${$.brokerUrls}::text[], ${$.was}::text[])
      AS u(id, signing_secret, retired_secrets, headers, broker_url, was)
    WHERE e.id = u.id AND e.signing_secret = u.was`,
  ({ rows }) => ({
    ids: rows.map((r) => r.id),
    signingSecrets: rows.map((r) => r.signingSecret),
    retiredSecrets: rows.map((r) => JSON.stringify(r.retiredSecrets)),
    headers: rows.map((r) => (r.headers === null ? null : JSON.stringify(r.headers))),
    brokerUrls: rows.map((r) => r.brokerUrl),
    was: rows.map((r) => r.was),
  }),
);

/** Writes a batch; returns how many rows changed. */
export function rewriteSecrets(sql: Sql, rows: readonly SecretsRewrite[]): Promise<number> {
  return sql.execute(REWRITE, { rows });
}

export const ONE_PER_KEY = statement<NoParams, { id: string; signing_secret: string }>(
  'hookwire_seal_rows_one_per_key',
  () => `
    SELECT DISTINCT ON (split_part(signing_secret, ':', 3)) id, signing_secret FROM endpoint
    WHERE starts_with(signing_secret, 'hwsealed:') ORDER BY split_part(signing_secret, ':', 3), id`,
);

/** One stored signing secret per key id that sealed any (current secrets: what every attempt opens). */
export function oneSealedSecretPerKey(sql: Sql): Promise<Array<{ id: string; signing_secret: string }>> {
  return sql.query(ONE_PER_KEY, {});
}
