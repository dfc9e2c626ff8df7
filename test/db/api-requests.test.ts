// hookwire_take_api_requests on its own, against real Postgres: a bucket starts full, grants what it
// holds and no more, refills with time, tells how long to wait, and never grants one request twice
// to takers racing on one key from many connections.
import { describe, expect, it } from 'vitest';
import { takeApiRequests, type TakeApiRequestsParams } from '../../src/db/sql/api-requests.ts';
import { useStatementDb } from './fixtures.ts';

const t = useStatementDb();
// The pool as the API runs the statement (prepared, on up to four connections).
const take = (params: TakeApiRequestsParams) => takeApiRequests(t.pool, params);

const budget = (key: string, want: number, perSecond = 0.001, burst = 10): TakeApiRequestsParams => ({ key, want, perSecond, burst });

/** Moves a bucket's last refill back in time, as if `seconds` had passed. */
async function age(key: string, seconds: number) {
  await t.rows(`UPDATE api_request_bucket SET refilled_at = refilled_at - make_interval(secs => $2) WHERE key = $1`, [key, seconds]);
}

describe('hookwire_take_api_requests', () => {
  it('starts full, grants what it holds, then none with the wait until the next one', async () => {
    expect(await take(budget('k1', 4))).toEqual({ granted: 4, waitSeconds: 0 });
    expect(await take(budget('k1', 10))).toEqual({ granted: 6, waitSeconds: 0 });
    const refused = await take(budget('k1', 1, 2));
    expect(refused.granted).toBe(0);
    // Empty at 2 a second: the next request is half a second away (less what passed meanwhile).
    expect(refused.waitSeconds).toBeGreaterThan(0.4);
    expect(refused.waitSeconds).toBeLessThanOrEqual(0.5);
  });

  it('refills at its rate up to its burst, never beyond', async () => {
    expect((await take(budget('k2', 10, 5))).granted).toBe(10);
    await age('k2', 1);
    // One second at 5 a second (plus the few milliseconds the statements took).
    expect((await take(budget('k2', 100, 5))).granted).toBe(5);
    await age('k2', 3600);
    expect((await take(budget('k2', 100, 5))).granted).toBe(10);
  });

  it('takes from the same bucket through Prisma', async () => {
    expect((await takeApiRequests(t.prisma, budget('k6', 3))).granted).toBe(3);
    expect((await take(budget('k6', 10))).granted).toBe(7);
  });

  it('keeps each key its own bucket', async () => {
    expect((await take(budget('k3', 10))).granted).toBe(10);
    expect((await take(budget('k4', 10))).granted).toBe(10);
  });

  it('grants a bucket once, whatever the number of connections racing for it, its first use included', async () => {
    const taken = await Promise.all(Array.from({ length: 60 }, () => take(budget('k5', 1, 0.001, 25))));
    expect(taken.reduce((sum, t) => sum + t.granted, 0)).toBe(25);
    expect(taken.filter((t) => t.granted === 0).every((t) => t.waitSeconds > 0)).toBe(true);
    const [row] = await t.rows('SELECT tokens FROM api_request_bucket WHERE key = $1', ['k5']);
    expect(row!.tokens).toBeLessThan(1);
  });
});
