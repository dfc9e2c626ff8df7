// Revocations heard on the process's LISTEN connection, applied here at once: a key revoked, or an
// account disabled or deleted, by any API process is forgotten by the key cache and the graphql-ws
// sockets holding it are closed (4403). The notification comes on the same connection as the
// attempts, after the ones committed before it, so a closed socket has been sent nothing that came
// after the revocation.
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { PgListener } from '../../db/listener.ts';
import { isConnectionError } from '../../db/reconnect.ts';
import type { ApiKeyAuthenticator } from '../../domain/accounts.ts';
import { CHANNELS } from '../../domain/notify.ts';
import { authenticate } from '../authenticate.ts';
import { actsFor, FORBIDDEN_CLOSE_CODE, holdsKey, portalOf, type SocketRegistry } from '../sockets.ts';

export function applyRevocations(
  listener: PgListener,
  deps: { keys: ApiKeyAuthenticator; sockets: SocketRegistry; db: Db; config: Readonly<Config> },
): void {
  const { keys, sockets, db, config } = deps;
  const detail = (event: Event) => String((event as CustomEvent<string>).detail);
  listener.addEventListener(CHANNELS.apiKeyRevoked, (event) => {
    const keyHash = detail(event);
    keys.forget(keyHash);
    sockets.close(holdsKey(keyHash), 'The API key was revoked');
  });
  listener.addEventListener(CHANNELS.accountRevoked, (event) => {
    const accountId = detail(event);
    keys.forgetAccount(accountId);
    sockets.close(actsFor(accountId), 'The account was disabled or deleted');
  });
  // revokePortalSessions in any API process: the account's portal sockets here close (4403); their
  // HTTP requests are refused already (a session is looked up on each request).
  listener.addEventListener(CHANNELS.portalRevoked, (event) => {
    sockets.close(portalOf(detail(event)), 'The portal session was revoked');
  });
  // After a lost LISTEN connection (notifications missed) every remembered key is looked up again,
  // and every open socket authenticated again.
  listener.addEventListener('connected', () => {
    keys.forgetAll();
    for (const [socket, held] of sockets.entries()) {
      authenticate(keys, config, held.credential, held.accountRef, db).catch((error: unknown) => {
        if (isConnectionError(error)) return;
        sockets.remove(socket);
        socket.close(FORBIDDEN_CLOSE_CODE, 'The credential is no longer valid');
      });
    }
  });
}
