// POST /portal/exchange: a portal link's one-time token traded for a session (server/portal.ts).
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../domain/clock.ts';
import { servePortalExchange } from '../portal.ts';
import { tooManyRequests, type Callers, type Route } from './route.ts';

export function portalExchangeRoute(db: Db, clock: Clock, callers: Callers): Route {
  return async (req, res, path) => {
    if (path !== '/portal/exchange') return false;
    // Anonymous by nature: the address limit applies, as to any request without a valid key.
    const wait = callers.admit(req, null);
    if (wait > 0) tooManyRequests(res, wait, { error: 'rate_limited', message: `Too many requests from this address; retry after ${wait} s` });
    else await servePortalExchange(req, res, db, clock.now());
    return true;
  };
}
