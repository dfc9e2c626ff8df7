// Meta's two webhook mechanisms, as pure functions for the ingest route: the hub.challenge
// handshake (GET, when the webhook is subscribed) and X-Hub-Signature-256 (every POST):
// `sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`.

import { digestsEqual, hexDigest, hmacSha256, refused, secretsEqual, singleHeader, type HeaderValue, type SignatureRefused } from './hmac.ts';

export const HUB_SIGNATURE_HEADER = 'x-hub-signature-256';

export interface HubChallengeQuery {
  /** hub.mode */
  mode?: string | null;
  /** hub.verify_token */
  verifyToken?: string | null;
  /** hub.challenge */
  challenge?: string | null;
}

export type HubChallengeAnswer =
  /** Answer 200 with exactly `challenge` as a text/plain body. */
  | { kind: 'answer'; challenge: string }
  /** Answer 403. */
  | { kind: 'refused'; reason: 'not_subscribe' | 'token_mismatch' | 'bad_challenge'; message: string };

// Meta's challenges are digits; a bounded, inert charset keeps the answer from reflecting markup or
// a megabyte of whatever a stranger puts in the query string.
const CHALLENGE = /^[A-Za-z0-9._~-]{1,256}$/;

/** The query of Meta's verification GET (hub.mode, hub.verify_token, hub.challenge). */
export function hubChallengeQuery(params: URLSearchParams): HubChallengeQuery {
  return { mode: params.get('hub.mode'), verifyToken: params.get('hub.verify_token'), challenge: params.get('hub.challenge') };
}

/** The answer to Meta's verification GET: the challenge when the mode is subscribe and the token matches. */
export function answerHubChallenge(query: HubChallengeQuery, verifyToken: string): HubChallengeAnswer {
  if (query.mode !== 'subscribe') {
    return { kind: 'refused', reason: 'not_subscribe', message: 'hub.mode must be subscribe' };
  }
  // An empty configured token would match an empty hub.verify_token: no source is verified by nothing.
  if (verifyToken === '' || typeof query.verifyToken !== 'string' || !secretsEqual(verifyToken, query.verifyToken)) {
    return { kind: 'refused', reason: 'token_mismatch', message: 'hub.verify_token does not match the source\'s verify token' };
  }
  if (typeof query.challenge !== 'string' || !CHALLENGE.test(query.challenge)) {
    return { kind: 'refused', reason: 'bad_challenge', message: 'hub.challenge must be 1 to 256 letters, digits or ._~-' };
  }
  return { kind: 'answer', challenge: query.challenge };
}

export type HubSignatureCheck = { ok: true } | SignatureRefused;

/**
 * Checks X-Hub-Signature-256 against the raw body's HMAC-SHA256 keyed with the app secret (or any
 * of `appSecrets`, the current one first, while a rotated secret is still in use).
 */
export function verifyHubSignature(appSecrets: string | readonly string[], rawBody: Uint8Array, header: HeaderValue): HubSignatureCheck {
  const value = singleHeader(header);
  if (value === undefined || value.trim() === '') return refused('missing_signature', `${HUB_SIGNATURE_HEADER} is missing`);
  if (value === 'repeated') return refused('malformed_signature', `${HUB_SIGNATURE_HEADER} was sent more than once`);
  const trimmed = value.trim();
  const claimed = trimmed.startsWith('sha256=') ? hexDigest(trimmed.slice('sha256='.length)) : undefined;
  if (!claimed) return refused('malformed_signature', `${HUB_SIGNATURE_HEADER} must be sha256=<64 hex digits>`);
  const secrets = typeof appSecrets === 'string' ? [appSecrets] : appSecrets;
  // Every secret is tried, matched or not, so the time taken does not tell which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (secret !== '' && digestsEqual(hmacSha256(secret, rawBody), claimed)) matched = true;
  }
  return matched ? { ok: true } : refused('signature_mismatch', `${HUB_SIGNATURE_HEADER} does not match the body`);
}
