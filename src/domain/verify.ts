// The hub.challenge handshake (Meta's webhook verification): before an endpoint is saved with a
// verifyToken, its URL must echo a random challenge. Runs through the delivery dispatcher, so
// the SSRF guard applies to it as to every delivery.
import { randomBytes } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { VerificationError } from './errors.ts';

const MAX_BODY = 4096;

export async function verifyEndpointUrl(
  dispatcher: Dispatcher,
  url: string,
  verifyToken: string,
  timeoutMs: number,
): Promise<void> {
  const challenge = randomBytes(16).toString('hex');
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let body = '';
  try {
    const response = await request(target, { dispatcher, method: 'GET', signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    status = response.statusCode;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      body += chunk.toString('utf8');
      if (body.length > MAX_BODY) break;
    }
  } catch (error) {
    if (signal.aborted) throw new VerificationError(`verification request timed out after ${timeoutMs} ms`);
    const err = error as Error & { code?: string };
    if (err.name === 'BlockedAddressError') throw new VerificationError(`verification request blocked: ${err.message}`);
    throw new VerificationError(`verification request failed: ${err.code ? `${err.code}: ` : ''}${err.message}`);
  }
  if (status !== 200) {
    throw new VerificationError(`verification failed: the URL answered HTTP ${status}, expected 200 with the hub.challenge`);
  }
  if (body !== challenge) {
    const shown = body.length > 64 ? `${body.slice(0, 64)}…` : body;
    throw new VerificationError(`verification failed: the body must be exactly the hub.challenge value, got ${JSON.stringify(shown)}`);
  }
}
