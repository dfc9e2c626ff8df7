// The broker-independent parts of a source: batches and their linger, the reconnect backoff, and
// the supervisor's rules (ack only after commit, a rejection acks nothing) on an in-memory session.

import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/worker/sources/batcher.ts';
import { Backoff, startConsumer, type ConsumerSession, type Delivered } from '../../src/worker/sources/consumer.ts';
import type { CommitVerdict, SourceMessage } from '../../src/worker/sources/types.ts';
import { waitUntil } from '../support/wait.ts';

describe('Batcher', () => {
  it('hands a full batch at once and a partial one after the linger', async () => {
    const b = new Batcher<number>();
    for (let i = 0; i < 5; i++) b.push(i);
    const signal = new AbortController().signal;
    expect(await b.next(3, 10_000, signal)).toEqual([0, 1, 2]);
    const started = performance.now();
    expect(await b.next(3, 30, signal)).toEqual([3, 4]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('waits for a first item, answers null when aborted, and rejects once failed', async () => {
    const b = new Batcher<string>();
    const controller = new AbortController();
    const waiting = b.next(10, 0, controller.signal);
    setTimeout(() => b.push('a'), 5);
    expect(await waiting).toEqual(['a']);
    const aborted = b.next(10, 0, controller.signal);
    controller.abort();
    expect(await aborted).toBeNull();
    b.fail(new Error('gone'));
    await expect(b.next(1, 0, new AbortController().signal)).rejects.toThrow('gone');
  });
});

describe('Backoff', () => {
  it('doubles up to its ceiling, spread by the jitter, and starts over after reset', () => {
    const mid = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0.2 }, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(() => mid.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    mid.reset();
    expect(mid.next()).toBe(100);
    expect(new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0.2 }, () => 0).next()).toBe(80);
    expect(new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0.2 }, () => 0.999999).next()).toBe(120);
  });
});

/** A broker in memory: what the supervisor acked, released and dead-lettered. */
function memorySession(messages: SourceMessage[]) {
  const log = { acked: [] as string[], released: [] as string[], dead: [] as Array<[string, string]>, closed: 0 };
  const queue = [...messages];
  const session: ConsumerSession<string> = {
    async next(signal) {
      while (queue.length === 0) {
        if (signal.aborted) return null;
        await new Promise((r) => setTimeout(r, 2));
      }
      return queue.splice(0, 2).map((m): Delivered<string> => ({ message: m, handle: m.messageId!, ...(m.body.length === 0 ? { undecodable: 'empty' } : {}) }));
    },
    async settle(batch, verdicts) {
      batch.forEach((d, i) => {
        const v = verdicts[i]!;
        if ('poison' in v) log.dead.push([d.handle, v.poison]);
        else log.acked.push(d.handle);
      });
    },
    async release(batch) {
      log.released.push(...batch.map((d) => d.handle));
      queue.unshift(...batch.map((d) => d.message));
    },
    async lag() {
      return queue.length;
    },
    async close() {
      log.closed++;
    },
  };
  return { session, log };
}

const msg = (id: string, body = `{"n":"${id}"}`): SourceMessage => ({ body: Buffer.from(body), messageId: id, headers: {} });
const fast = { initialMs: 1, maxMs: 5, jitter: 0 };

describe('the consumer supervisor', () => {
  it('acknowledges only what commit accepted, dead-letters poison, and redelivers after a rejection', async () => {
    const { session, log } = memorySession([msg('a'), msg('b'), msg('c'), msg('d', '')]);
    const seen: string[] = [];
    let calls = 0;
    const consumer = startConsumer(async () => session, {
      display: 'memory://',
      backoff: fast,
      commit: async (batch): Promise<CommitVerdict[]> => {
        calls++;
        seen.push(...batch.map((m) => m.messageId!));
        if (calls === 2) throw new Error('database down');
        return batch.map((m) => (m.messageId === 'b' ? { poison: 'bad type' } : { ok: true }));
      },
    });
    await waitUntil('everything settled', () => log.acked.length + log.dead.length === 4);
    expect(log.acked.sort()).toEqual(['a', 'c']);
    expect(log.dead).toEqual([
      ['b', 'bad type'],
      ['d', 'empty'],
    ]);
    // The second batch (c, d) was rejected: released whole, committed again; d never reached commit.
    expect(log.released).toEqual(['c', 'd']);
    expect(seen).toEqual(['a', 'b', 'c', 'c']);
    const state = consumer.state();
    expect(state).toMatchObject({ status: 'connected', acknowledged: 2, deadLettered: 2 });
    expect(state.lastError).toBe('commit failed: database down');
    await consumer.stop();
    expect(consumer.state().status).toBe('stopped');
    expect(log.closed).toBe(1);
  });

  it('reconnects with backoff after the session fails, and shows why', async () => {
    let opens = 0;
    const consumer = startConsumer(
      async () => {
        opens++;
        if (opens < 3) throw new Error(`refused ${opens}`);
        return memorySession([]).session;
      },
      { display: 'memory://', backoff: fast, commit: async (b) => b.map(() => ({ ok: true as const })) },
    );
    await waitUntil('connected on the third try', () => consumer.state().status === 'connected');
    expect(opens).toBe(3);
    expect(consumer.state().lastError).toBe('cannot connect: refused 2');
    await consumer.stop();
  });

  it('lets the commit under way finish and be acknowledged when stopped', async () => {
    const { session, log } = memorySession([msg('a')]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inCommit = new Promise<void>((r) => (entered = r));
    const consumer = startConsumer(async () => session, {
      display: 'memory://',
      commit: async (batch) => {
        entered();
        await gate;
        return batch.map(() => ({ ok: true as const }));
      },
    });
    await inCommit;
    const stopped = consumer.stop();
    release();
    await stopped;
    expect(log.acked).toEqual(['a']);
  });
});

/** A commit whose calls each wait until the test answers them: `calls[n]` is the nth call. */
function gatedCommit() {
  const calls: Array<{ ids: string[]; answer: (error?: Error) => void }> = [];
  let active = 0;
  let peak = 0;
  const commit = (batch: SourceMessage[]): Promise<CommitVerdict[]> =>
    new Promise((resolve, reject) => {
      active++;
      peak = Math.max(peak, active);
      calls.push({
        ids: batch.map((m) => m.messageId!),
        answer: (error) => {
          active--;
          if (error) reject(error);
          else resolve(batch.map(() => ({ ok: true })));
        },
      });
    });
  return { calls, commit, peak: () => peak };
}

describe('commits in flight', () => {
  it('commits up to commitsInFlight batches at once and settles each only after every earlier one, in the order read', async () => {
    const { session, log } = memorySession(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => msg(id)));
    const gated = gatedCommit();
    const consumer = startConsumer(async () => session, { display: 'memory://', backoff: fast, commit: gated.commit, commitsInFlight: 3 });
    try {
      await waitUntil('three batches committing', () => gated.calls.length === 3);
      // The window is full: the fourth batch is not read until the first one is settled.
      await new Promise((r) => setTimeout(r, 30));
      expect(gated.calls.map((c) => c.ids)).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);
      // The later commits end first: nothing is acknowledged while the first one has not.
      gated.calls[2]!.answer();
      gated.calls[1]!.answer();
      await new Promise((r) => setTimeout(r, 30));
      expect(log.acked).toEqual([]);
      gated.calls[0]!.answer();
      await waitUntil('three batches settled', () => log.acked.length === 6);
      expect(log.acked).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      await waitUntil('the fourth batch committing', () => gated.calls.length === 4);
      gated.calls[3]!.answer();
      await waitUntil('all settled', () => log.acked.length === 8);
      expect(gated.peak()).toBe(3);
    } finally {
      await consumer.stop();
    }
  });

  it('releases a rejected batch between committed ones, acknowledging those around it, and commits it again', async () => {
    const { session, log } = memorySession(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => msg(id)));
    const gated = gatedCommit();
    const consumer = startConsumer(async () => session, { display: 'memory://', backoff: fast, commit: gated.commit, commitsInFlight: 3 });
    try {
      await waitUntil('three batches committing', () => gated.calls.length === 3);
      gated.calls[2]!.answer();
      gated.calls[1]!.answer(new Error('database down'));
      gated.calls[0]!.answer();
      await waitUntil('the rejected batch committed again', () => gated.calls.length === 4);
      expect(gated.calls[3]!.ids).toEqual(['c', 'd']);
      // Settled in order: a, b acknowledged; c, d released (not acknowledged); e, f acknowledged.
      expect(log.acked).toEqual(['a', 'b', 'e', 'f']);
      expect(log.released).toEqual(['c', 'd']);
      gated.calls[3]!.answer();
      await waitUntil('everything acknowledged once', () => log.acked.length === 6);
      expect([...log.acked].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(consumer.state()).toMatchObject({ acknowledged: 6, lastError: 'commit failed: database down' });
    } finally {
      await consumer.stop();
    }
  });

  it('when stopped, lets every commit under way finish and be acknowledged', async () => {
    const { session, log } = memorySession(['a', 'b', 'c', 'd'].map((id) => msg(id)));
    const gated = gatedCommit();
    const consumer = startConsumer(async () => session, { display: 'memory://', commit: gated.commit, commitsInFlight: 3 });
    await waitUntil('two batches committing', () => gated.calls.length === 2);
    const stopped = consumer.stop();
    gated.calls[1]!.answer();
    gated.calls[0]!.answer();
    await stopped;
    expect(log.acked).toEqual(['a', 'b', 'c', 'd']);
    expect(log.closed).toBe(1);
  });
});
