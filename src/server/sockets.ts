// The open graphql-ws sockets of this API process and the caller each holds, so that a revocation
// (a key revoked, an account disabled or deleted) heard on NOTIFY closes the sockets it ends at
// once, with 4403 Forbidden, instead of letting them carry subscriptions until they reconnect.
import type { Caller } from '../schema/context.ts';

/** What the registry needs of a socket: the ws package's WebSocket is one. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
}

export interface HeldSocket {
  caller: Caller;
  /** What it authenticated with, to authenticate it again (after missed notifications). */
  credential: string | null;
  accountRef: string | null;
}

/** graphql-ws's Forbidden: its clients do not reconnect after it. */
export const FORBIDDEN_CLOSE_CODE = 4403;

export class SocketRegistry {
  private readonly sockets = new Map<ClosableSocket, HeldSocket>();

  get size(): number {
    return this.sockets.size;
  }

  add(socket: ClosableSocket, held: HeldSocket): void {
    this.sockets.set(socket, held);
  }

  /** What a socket holds; undefined once it closed or a revocation closed it. */
  get(socket: ClosableSocket): HeldSocket | undefined {
    return this.sockets.get(socket);
  }

  remove(socket: ClosableSocket): void {
    this.sockets.delete(socket);
  }

  /** Closes (4403) every socket whose caller `ends` says the revocation ends; returns how many. */
  close(ends: (caller: Caller) => boolean, reason: string): number {
    let closed = 0;
    for (const [socket, held] of this.sockets) {
      if (!ends(held.caller)) continue;
      this.sockets.delete(socket);
      socket.close(FORBIDDEN_CLOSE_CODE, reason);
      closed++;
    }
    return closed;
  }

  /** Every held socket, for checking them again. */
  entries(): Array<[ClosableSocket, HeldSocket]> {
    return [...this.sockets];
  }
}

/** Whether a revoked key's hash is the key this caller holds. */
export const holdsKey = (keyHash: string) => (caller: Caller) => caller.kind === 'apiKey' && caller.keyHash === keyHash;

/** Whether this caller acts for the account (its key, the admin key for it, its portal sessions). */
export const actsFor = (accountId: string) => (caller: Caller) =>
  (caller.kind === 'apiKey' || caller.kind === 'adminForAccount' || caller.kind === 'portal') && caller.account.id === accountId;

/** Whether this caller is a portal session of the account (revokePortalSessions ends them). */
export const portalOf = (accountId: string) => (caller: Caller) => caller.kind === 'portal' && caller.account.id === accountId;
