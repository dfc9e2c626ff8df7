// The lane slice's state machine (src/worker/drainer-slice.ts): its transition table row by row,
// then whole slices run against in-memory effects (no database, network or sandbox), each step
// awaited as an event: the concurrency cap, ordered one at a time, the rate limit, the slice
// length, halting, an effect holding further starts, failures, and slots and records at the end.
import { describe, expect, it } from 'vitest';
import { LaneSlice, next, type Done, type Recording, type SliceEffects, type SliceFacts, type SliceSettings, type Step } from '../../src/worker/drainer-slice.ts';
import { Semaphore } from '../../src/worker/semaphore.ts';

const facts = (overrides: Partial<SliceFacts> = {}): SliceFacts => ({
  held: false,
  halted: false,
  stopping: false,
  failed: false,
  effectPending: false,
  ordered: false,
  unrecorded: 0,
  sending: 0,
  limit: 2,
  sliceOver: false,
  buffered: 1,
  claimedAll: false,
  ...overrides,
});

const waited: Done = { kind: 'waited' };
const acquired: Done = { kind: 'acquired slot' };
const stop = (reason: string) => ({ kind: 'stop', reason });
const step = (kind: string) => ({ kind });

describe('the transition table', () => {
  const rows: Array<[string, Done, Partial<SliceFacts>, Step | { kind: string; reason?: string }]> = [
    ['a buffered delivery goes on to the rate limit', waited, {}, step('take rate')],
    ['a held endpoint stops', waited, { held: true }, stop('held')],
    ['a halted endpoint stops', waited, { halted: true }, stop('halted')],
    ['a stopping worker stops', waited, { stopping: true }, stop('stopping')],
    ['a failure stops', waited, { failed: true }, stop('failed')],
    ['held is named before the others', waited, { held: true, halted: true, stopping: true, failed: true }, stop('held')],
    ['halting wins over a pending effect', waited, { halted: true, effectPending: true }, stop('halted')],
    ['a pending effect holds every start', waited, { effectPending: true, sliceOver: true, buffered: 0 }, step('await effect')],
    ['ordered: the head must be recorded first', waited, { ordered: true, limit: 1, unrecorded: 1 }, step('await head')],
    ['unordered: attempts being recorded do not count against the cap', waited, { unrecorded: 5, sending: 1 }, step('take rate')],
    ['at the concurrency limit, wait for a send', waited, { sending: 2 }, step('await send')],
    ['the cap is waited out before the slice ends', waited, { sending: 2, sliceOver: true }, step('await send')],
    ['the slice ends after sliceMs', waited, { sliceOver: true }, stop('slice over')],
    ['the slice ends before claiming more', waited, { sliceOver: true, buffered: 0 }, stop('slice over')],
    ['an empty buffer claims', waited, { buffered: 0 }, step('claim')],
    ['an empty buffer after a short claim is drained', waited, { buffered: 0, claimedAll: true }, stop('drained')],
    ['a claim of none is drained', { kind: 'claimed', count: 0 }, {}, stop('drained')],
    ['drained with attempts in flight: it lingers', waited, { buffered: 0, claimedAll: true, unrecorded: 1, sending: 1 }, step('linger')],
    ['drained with attempts in flight lingers past the slice’s end', waited, { buffered: 0, claimedAll: true, unrecorded: 2, sliceOver: true }, step('linger')],
    ['a claim of none with attempts in flight lingers', { kind: 'claimed', count: 0 }, { unrecorded: 1 }, step('linger')],
    ['a claim goes straight on to the rate limit', { kind: 'claimed', count: 3 }, { halted: true }, step('take rate')],
    ['a token taken: a slot next', { kind: 'took rate', notBefore: null }, {}, step('acquire slot')],
    ['no token: the slice ends on the rate limit', { kind: 'took rate', notBefore: new Date(1000) }, {}, stop('rate limited')],
    ['a slot held: the attempt starts', acquired, {}, step('start')],
    ['a pause while waiting for the slot wins', acquired, { halted: true }, stop('halted')],
    ['a stop while waiting for the slot wins', acquired, { stopping: true }, stop('stopping')],
    ['a failure while waiting for the slot wins', acquired, { failed: true }, stop('failed')],
    ['a hold while waiting for the slot wins', acquired, { held: true }, stop('held')],
    ['an effect begun while waiting for the slot does not stop this start', acquired, { effectPending: true, sending: 2 }, step('start')],
  ];
  it.each(rows)('%s', (_name, done, overrides, expected) => {
    expect(next(done, facts(overrides))).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole slices.

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback the last step queued run (promise reactions and the macrotask after them). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Options extends Partial<Omit<SliceSettings, 'rate'>> {
  deliveries: number;
  slots?: number;
  /** Tokens the rate window still has; undefined: no rate limit. */
  tokens?: number;
  /** What the lane's lease says of a new attempt (see SliceControl.leaseCovers); undefined: always covered. */
  leaseCovers?: boolean;
}

/** A slice over `deliveries` pending ones, with sends and records the test answers by hand. */
function lane(options: Options) {
  const ids = Array.from({ length: options.deliveries }, (_, i) => `d${i + 1}`);
  const recorded: string[] = [];
  const started: string[] = [];
  const sends = new Map<string, Deferred<Recording>>();
  const slots = new Semaphore(options.slots ?? 100);
  const control = {
    halted: false,
    stop: false,
    stopping: () => control.stop,
    leaseCovers: options.leaseCovers === undefined ? undefined : () => options.leaseCovers!,
  };
  const clock = { ms: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  let acquiredSlots = 0;
  let releasedSlots = 0;
  let tokens = options.tokens;
  const effects: SliceEffects<{ id: string }> = {
    now: () => new Date(1_000_000),
    monotonic: () => clock.ms,
    claim: async (skip, count) =>
      ids
        .filter((id) => !recorded.includes(id) && !skip.includes(id))
        .slice(0, count)
        .map((id) => ({ id })),
    acquireSlot: async () => {
      await slots.acquire();
      acquiredSlots++;
    },
    releaseSlot: () => {
      releasedSlots++;
      slots.release();
    },
    send: (delivery) => {
      started.push(delivery.id);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const send = deferred<Recording>();
      sends.set(delivery.id, send);
      return send.promise.finally(() => inFlight--);
    },
  };
  const settings: SliceSettings = {
    ordered: options.ordered ?? false,
    limit: options.limit ?? 2,
    batch: options.batch ?? 4,
    sliceMs: options.sliceMs ?? 1000,
    held: options.held ?? false,
    rate: tokens === undefined ? null : { take: () => (tokens! > 0 ? (tokens!--, null) : new Date(2_000_000)) },
  };
  const slice = new LaneSlice(effects, settings, control);
  let result: Awaited<ReturnType<typeof slice.run>> | null = null;
  const running = slice.run().then((r) => (result = r));
  /**
   * The attempt of `id` has its response. Its record is written at once unless `record` is given
   * (then when that resolves); `effect`: it disables the endpoint or exhausts the delivery.
   */
  const answer = (id: string, how: { record?: Deferred<{ held: boolean } | null>; effect?: boolean } = {}) => {
    const send = sends.get(id);
    if (!send) throw new Error(`${id} was not sent`);
    const written = how.record?.promise ?? Promise.resolve(null);
    const record = () => written.then((r) => (recorded.push(id), r));
    send.resolve(how.effect ? { effect: true, record } : { effect: false, record });
    return settled();
  };
  return {
    ids,
    slice,
    control,
    clock,
    started,
    recorded,
    sends,
    answer,
    running,
    get result() {
      return result;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    slots: () => ({ acquired: acquiredSlots, released: releasedSlots, free: slots.free }),
  };
}

describe('a slice', () => {
  it('lingering, starts nothing once the lane’s lease would not outlast a new attempt', async () => {
    const l = lane({ deliveries: 1, limit: 2, batch: 4, sliceMs: 5, leaseCovers: false });
    await settled();
    l.ids.push('d2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(l.started).toEqual(['d1']);
    await l.answer('d1');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'drained', attempts: 1 });
  });

  it('drained with an attempt in flight, starts a delivery that falls due meanwhile instead of holding it behind that attempt', async () => {
    const l = lane({ deliveries: 1, limit: 2, batch: 4, sliceMs: 20 });
    await settled();
    expect(l.started).toEqual(['d1']);
    // A retry falls due while d1 hangs: the lingering slice claims it within its next turn.
    l.ids.push('d2');
    for (let i = 0; i < 200 && !l.started.includes('d2'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(l.started).toEqual(['d1', 'd2']);
    expect(l.result).toBeNull();
    await l.answer('d1');
    await l.answer('d2');
    await l.running;
    expect(l.result).toEqual({ stopped: 'drained', notBefore: null, attempts: 2, failure: null });
    expect(l.slots()).toEqual({ acquired: 2, released: 2, free: 100 });
  });

  it('keeps at most concurrencyLimit sends in flight and drains every due delivery', async () => {
    const l = lane({ deliveries: 5, limit: 2, batch: 4 });
    await settled();
    expect(l.started).toEqual(['d1', 'd2']);
    await l.answer('d1');
    expect(l.started).toEqual(['d1', 'd2', 'd3']);
    for (const id of ['d2', 'd3', 'd4']) await l.answer(id);
    expect(l.started).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    expect(l.result).toBeNull();
    await l.answer('d5');
    await l.running;
    expect(l.result).toEqual({ stopped: 'drained', notBefore: null, attempts: 5, failure: null });
    expect(l.maxInFlight).toBe(2);
    expect(l.recorded).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    expect(l.slots()).toEqual({ acquired: 5, released: 5, free: 100 });
  });

  it('ordered: starts the next delivery only once the one before it is recorded, in order', async () => {
    const l = lane({ deliveries: 3, ordered: true, limit: 1, batch: 1 });
    await settled();
    expect(l.started).toEqual(['d1']);
    const record = deferred<{ held: boolean } | null>();
    await l.answer('d1', { record });
    // Sent, not yet recorded: the line waits.
    expect(l.started).toEqual(['d1']);
    record.resolve({ held: false });
    await settled();
    expect(l.started).toEqual(['d1', 'd2']);
    await l.answer('d2');
    await l.answer('d3');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'drained', attempts: 3 });
    expect(l.recorded).toEqual(['d1', 'd2', 'd3']);
  });

  it('ends on the rate limit with its next window, once the attempts started are recorded', async () => {
    const l = lane({ deliveries: 5, limit: 5, tokens: 2 });
    await settled();
    expect(l.started).toEqual(['d1', 'd2']);
    expect(l.result).toBeNull();
    await l.answer('d1');
    await l.answer('d2');
    await l.running;
    expect(l.result).toEqual({ stopped: 'rate limited', notBefore: new Date(2_000_000), attempts: 2, failure: null });
    expect(l.recorded).toEqual(['d1', 'd2']);
  });

  it('starts nothing more after sliceMs, and finishes what it started', async () => {
    const l = lane({ deliveries: 5, limit: 1, sliceMs: 50 });
    await settled();
    expect(l.started).toEqual(['d1']);
    l.clock.ms = 50;
    await l.answer('d1');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'slice over', attempts: 1 });
    expect(l.started).toEqual(['d1']);
  });

  it('halts on a pause or disable meanwhile, after recording the attempts in flight', async () => {
    const l = lane({ deliveries: 5, limit: 2 });
    await settled();
    l.control.halted = true;
    await l.answer('d1');
    expect(l.result).toBeNull();
    await l.answer('d2');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'halted', attempts: 2 });
    expect(l.started).toEqual(['d1', 'd2']);
    expect(l.recorded).toEqual(['d1', 'd2']);
  });

  it('stops with the worker', async () => {
    const l = lane({ deliveries: 5, limit: 1 });
    await settled();
    l.control.stop = true;
    await l.answer('d1');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'stopping', attempts: 1 });
  });

  it('starts nothing when the lane was claimed held (its endpoint not ACTIVE)', async () => {
    const l = lane({ deliveries: 3, held: true });
    await l.running;
    expect(l.result).toEqual({ stopped: 'held', notBefore: null, attempts: 0, failure: null });
    expect(l.slots()).toEqual({ acquired: 0, released: 0, free: 100 });
  });

  it('holds further starts while an effect is recorded, then goes on when the endpoint is not held', async () => {
    const l = lane({ deliveries: 4, limit: 2 });
    await settled();
    const effect = deferred<{ held: boolean } | null>();
    await l.answer('d1', { record: effect, effect: true });
    // A slot is free, but the endpoint's fate is not known yet.
    expect(l.started).toEqual(['d1', 'd2']);
    effect.resolve({ held: false });
    await settled();
    expect(l.started).toEqual(['d1', 'd2', 'd3']);
    for (const id of ['d2', 'd3', 'd4']) await l.answer(id);
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'drained', attempts: 4 });
  });

  it('stops when an effect holds the endpoint (a 410 disabled it, an exhaustion paused it)', async () => {
    const l = lane({ deliveries: 4, limit: 2 });
    await settled();
    const effect = deferred<{ held: boolean } | null>();
    await l.answer('d1', { record: effect, effect: true });
    effect.resolve({ held: true });
    await settled();
    expect(l.started).toEqual(['d1', 'd2']);
    await l.answer('d2');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'held', attempts: 2 });
    expect(l.recorded).toEqual(['d1', 'd2']);
  });

  it('ends early on a failed record, after the other attempts are recorded, and reports the first failure', async () => {
    const l = lane({ deliveries: 5, limit: 2 });
    await settled();
    const record = deferred<{ held: boolean } | null>();
    await l.answer('d1', { record, effect: true });
    record.reject(new Error('database gone'));
    await settled();
    expect(l.result).toBeNull();
    l.sends.get('d2')!.reject(new Error('sandbox gone'));
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'failed', attempts: 2, failure: new Error('database gone') });
    expect(l.started).toEqual(['d1', 'd2']);
    // The failure lands while the slice is already taking a slot for d3: that slot goes back unused.
    const slots = l.slots();
    expect(slots.released).toBe(slots.acquired);
    expect(slots.free).toBe(100);
  });

  it('gives a slot back when it is halted while waiting for one', async () => {
    const l = lane({ deliveries: 3, limit: 2, slots: 1 });
    await settled();
    expect(l.started).toEqual(['d1']);
    // d2 waits for the worker's only slot, held by d1.
    l.control.halted = true;
    await l.answer('d1');
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'halted', attempts: 1 });
    expect(l.slots()).toEqual({ acquired: 2, released: 2, free: 1 });
  });

  it('never claims a delivery it already has in flight', async () => {
    const l = lane({ deliveries: 3, limit: 3, batch: 1 });
    await settled();
    expect(l.started).toEqual(['d1', 'd2', 'd3']);
    for (const id of ['d1', 'd2', 'd3']) await l.answer(id);
    await l.running;
    expect(l.result).toMatchObject({ stopped: 'drained', attempts: 3 });
  });
});
