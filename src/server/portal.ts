// POST /portal/exchange {"token": "hkpt_…"}: the portal page trades its link's token (read from the
// URL fragment, so it never reached a server log) for a session credential, once. The answer holds
// what the page needs to draw itself: the account, the session's switches and its theme.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/client.ts';
import { findAccount } from '../domain/accounts.ts';
import { exchangePortalLink } from '../domain/portal.ts';

const MAX_BODY_BYTES = 4096;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function servePortalExchange(req: IncomingMessage, res: ServerResponse, db: Db, now: Date): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return reply(res, 405, { error: 'method_not_allowed', message: 'POST {"token": "…"} (the token of a portal link)' });
  }
  const text = await readBody(req);
  let token: unknown = null;
  try {
    token = text === null ? null : (JSON.parse(text) as { token?: unknown }).token;
  } catch {
    token = null;
  }
  if (typeof token !== 'string' || token === '') {
    return reply(res, 400, { error: 'bad_request', message: 'Send {"token": "…"}: the token of a portal link (its #token= fragment)' });
  }
  const result = await exchangePortalLink(db, token, now);
  if ('refused' in result) return reply(res, result.refused === 'unknown' ? 404 : 410, { error: result.refused, message: result.message });
  const account = await findAccount(db, result.session.accountId);
  const { session } = result;
  return reply(res, 200, {
    credential: result.credential,
    expiresAt: session.expiresAt.toISOString(),
    readOnly: session.readOnly,
    features: session.features,
    theme: session.theme,
    account: { id: session.accountId, name: account?.name ?? '' },
  });
}
