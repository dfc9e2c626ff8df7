// One slice of one lane as a state machine (after Svix's dispatch types): the steps and what ends
// a slice are named values, `next` is the whole transition table, and LaneSlice takes the steps
// through injected effects (claim, a slot of the worker's budget, one attempt, the clocks). No
// database, network or sandbox here: drainer.ts wires them, so the transitions are tested alone.

/** Why a slice starts nothing more. */
export type StopReason =
  /** The endpoint was not ACTIVE when the lane was claimed, or an attempt's effect paused or disabled it. */
  | 'held'
  /** Paused or disabled meanwhile (LaneControl.halted, from NOTIFY hookwire_endpoint_status). */
  | 'halted'
  /** The worker is stopping. */
  | 'stopping'
  /**
   * The lease as last renewed has run out by the worker's clock (it was frozen, or the database
   * was away): the lane may be another worker's now, so nothing more starts until a renewal says.
   */
  | 'lease lapsed'
  /** An attempt could not be sent or recorded, or a claim failed: the lane is given back as it is. */
  | 'failed'
  /** sliceMs of starting attempts: the lane goes to the back of the line. */
  | 'slice over'
  /** Nothing more is due now. */
  | 'drained'
  /** The rate limit's window is full: the lane is due again when the next one opens. */
  | 'rate limited';

/** What the slice does next. */
export type Step =
  | { kind: 'stop'; reason: StopReason }
  /** An attempt's effect (a 410, an exhaustion) is being recorded: it may hold the endpoint. */
  | { kind: 'await effect' }
  /** Ordered: the attempt under way must be SUCCEEDED or FAILED, and recorded, before the next starts. */
  | { kind: 'await head' }
  /** The endpoint's concurrency limit is reached: wait for a send to end. */
  | { kind: 'await send' }
  /** Nothing buffered, and the store may hold more that is due. */
  | { kind: 'claim' }
  /**
   * Drained, with attempts still in flight (a slow or timing-out receiver): the lane is held until
   * they are recorded anyway, so a retry that falls due meanwhile is not left waiting behind them.
   * Waits for one to be recorded, or sliceMs, then looks again.
   */
  | { kind: 'linger' }
  /** A token of the rate limit's window for the buffer's next delivery. */
  | { kind: 'take rate' }
  /** A slot of the worker's budget of attempts in flight, shared by all its lanes. */
  | { kind: 'acquire slot' }
  /** The buffer's next delivery: its attempt starts. */
  | { kind: 'start' };

/** What a step came to: the event the table turns into the next step. */
export type Done =
  /** Waited for an effect, the head or a send, or started an attempt: decide afresh. */
  | { kind: 'waited' }
  | { kind: 'claimed'; count: number }
  /** null: the token was taken; else when the next window opens. */
  | { kind: 'took rate'; notBefore: Date | null }
  | { kind: 'acquired slot' };

/** What the slice knows when it decides. */
export interface SliceFacts {
  held: boolean;
  halted: boolean;
  stopping: boolean;
  /** See StopReason 'lease lapsed'; absent: never. */
  lapsed?: boolean;
  failed: boolean;
  effectPending: boolean;
  ordered: boolean;
  /** Attempts started and not yet recorded. */
  unrecorded: number;
  /** Attempts whose send is under way (each holds a slot). */
  sending: number;
  /** The endpoint's concurrency limit (1 when ordered). */
  limit: number;
  sliceOver: boolean;
  buffered: number;
  /** The last claim returned fewer than it asked for: the store has nothing more due. */
  claimedAll: boolean;
}

const stop = (reason: StopReason): Step => ({ kind: 'stop', reason });

/** What ends a slice whatever it is doing: checked before every decision and once a slot is held. */
export function haltReason(facts: SliceFacts): StopReason | null {
  if (facts.held) return 'held';
  if (facts.halted) return 'halted';
  if (facts.stopping) return 'stopping';
  if (facts.lapsed) return 'lease lapsed';
  if (facts.failed) return 'failed';
  return null;
}

/** The step at the top of the loop: the first one, and after every wait or start. */
export function decide(facts: SliceFacts): Step {
  const halt = haltReason(facts);
  if (halt) return stop(halt);
  if (facts.effectPending) return { kind: 'await effect' };
  if (facts.ordered && facts.unrecorded > 0) return { kind: 'await head' };
  if (facts.sending >= facts.limit) return { kind: 'await send' };
  if (facts.buffered === 0 && facts.claimedAll) return drained(facts);
  if (facts.sliceOver) return stop('slice over');
  if (facts.buffered === 0) return { kind: 'claim' };
  return { kind: 'take rate' };
}

/** Nothing more due: the slice ends, unless attempts are still in flight (then it lingers: see Step). */
function drained(facts: SliceFacts): Step {
  return facts.unrecorded > 0 && !facts.ordered ? { kind: 'linger' } : stop('drained');
}

/** The transition table: from what the last step came to and what the slice knows, the next step. */
export function next(done: Done, facts: SliceFacts): Step {
  switch (done.kind) {
    case 'waited':
      return decide(facts);
    case 'claimed':
      return done.count === 0 ? drained(facts) : { kind: 'take rate' };
    case 'took rate':
      return done.notBefore ? stop('rate limited') : { kind: 'acquire slot' };
    case 'acquired slot': {
      // Waiting for a slot can take a while: a pause, a stop or a failure meanwhile wins.
      const halt = haltReason(facts);
      return halt ? stop(halt) : { kind: 'start' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run.

/** How an attempt that has its response is recorded. */
export type Recording =
  | { effect: false; record(): Promise<unknown> }
  /** Disables the endpoint or exhausts the delivery: nothing more starts until it is known whether the endpoint is held. */
  | { effect: true; record(): Promise<{ held: boolean } | null> };

export interface SliceEffects<D extends { id: string }> {
  /** The clock the store and the rate limit read. */
  now(): Date;
  /** Monotonic milliseconds: the slice's length. */
  monotonic(): number;
  /** Due deliveries, soonest first (an ordered lane: its head when due), none of `skip`. */
  claim(skip: readonly string[], count: number, now: Date): Promise<D[]>;
  acquireSlot(): Promise<void>;
  releaseSlot(): void;
  /** One attempt up to its response (the slice frees its slot after), and how to record it. */
  send(delivery: D): Promise<Recording>;
}

export interface SliceSettings {
  ordered: boolean;
  limit: number;
  /** How many deliveries one claim asks for. */
  batch: number;
  sliceMs: number;
  /** The held state the lane was claimed in (its endpoint not ACTIVE). */
  held: boolean;
  /** The endpoint's rate limit window, or null when it has none. */
  rate: { take(now: Date): Date | null } | null;
}

export interface SliceResult {
  stopped: StopReason;
  /** The rate limit's next window, when the slice ended on it. */
  notBefore: Date | null;
  attempts: number;
  /** The first fault of the slice (it is logged once): an attempt not sent or not recorded, a claim that failed. */
  failure: unknown;
}

/** What the slice hears from its engine while it runs. */
export interface SliceControl {
  /** Paused or disabled meanwhile, or the lane was lost: start nothing more. */
  readonly halted: boolean;
  stopping(): boolean;
  /** Whether the lane's lease outlasts an attempt started now (lingering starts nothing otherwise); always, if absent. */
  leaseCovers?(): boolean;
  /** Whether the lease as last renewed has run out (see StopReason 'lease lapsed'); never, if absent. */
  lapsed?(): boolean;
}

export class LaneSlice<D extends { id: string }> {
  private readonly effects: SliceEffects<D>;
  private readonly settings: SliceSettings;
  private readonly control: SliceControl;
  private ends: number;
  private held: boolean;
  private failed = false;
  private failure: unknown = null;
  private effect: Promise<unknown> | null = null;
  private buffer: D[] = [];
  private claimedAll = false;
  private notBefore: Date | null = null;
  private started = 0;
  /** Claimed in this slice and not yet recorded: never claimed twice. */
  private readonly mine = new Set<string>();
  private readonly sending = new Set<Promise<unknown>>();
  private readonly finishing = new Set<Promise<void>>();

  constructor(effects: SliceEffects<D>, settings: SliceSettings, control: SliceControl) {
    this.effects = effects;
    this.settings = settings;
    this.control = control;
    this.held = settings.held;
    this.ends = effects.monotonic() + settings.sliceMs;
  }

  facts(): SliceFacts {
    return {
      held: this.held,
      halted: this.control.halted,
      stopping: this.control.stopping(),
      lapsed: this.control.lapsed?.() ?? false,
      failed: this.failed,
      effectPending: this.effect !== null,
      ordered: this.settings.ordered,
      unrecorded: this.finishing.size,
      sending: this.sending.size,
      limit: this.settings.limit,
      sliceOver: this.effects.monotonic() >= this.ends,
      buffered: this.buffer.length,
      claimedAll: this.claimedAll,
    };
  }

  /** Returns once every attempt it started is finished and recorded (or has failed). */
  async run(): Promise<SliceResult> {
    let stopped: StopReason;
    try {
      let step = decide(this.facts());
      while (step.kind !== 'stop') {
        const done = await this.take(step);
        step = next(done, this.facts());
        if (done.kind === 'acquired slot' && step.kind === 'stop') this.effects.releaseSlot();
      }
      stopped = step.reason;
    } catch (error) {
      this.fail(error);
      stopped = 'failed';
    } finally {
      while (this.finishing.size > 0) await Promise.allSettled([...this.finishing]);
    }
    return { stopped, notBefore: this.notBefore, attempts: this.started, failure: this.failure };
  }

  private async take(step: Exclude<Step, { kind: 'stop' }>): Promise<Done> {
    switch (step.kind) {
      case 'await effect':
        await this.effect?.catch(() => {});
        return { kind: 'waited' };
      case 'await head':
        await Promise.race(this.finishing);
        return { kind: 'waited' };
      case 'await send':
        await Promise.race(this.sending).catch(() => {});
        return { kind: 'waited' };
      case 'linger': {
        // Recorded meanwhile: decide afresh; else sliceMs went by: something may be due now.
        let timer: NodeJS.Timeout | undefined;
        const lapsed = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.settings.sliceMs)));
        const timedOut = await Promise.race([Promise.race(this.finishing).then(() => false), lapsed]);
        clearTimeout(timer);
        if (!timedOut || this.control.leaseCovers?.() === false) return { kind: 'waited' };
        // A new turn: what fell due meanwhile is claimed and started as in any slice.
        this.claimedAll = false;
        this.ends = this.effects.monotonic() + this.settings.sliceMs;
        return { kind: 'waited' };
      }
      case 'claim': {
        this.buffer = await this.effects.claim([...this.mine], this.settings.batch, this.effects.now());
        this.claimedAll = this.buffer.length < this.settings.batch;
        return { kind: 'claimed', count: this.buffer.length };
      }
      case 'take rate':
        this.notBefore = this.settings.rate ? this.settings.rate.take(this.effects.now()) : null;
        return { kind: 'took rate', notBefore: this.notBefore };
      case 'acquire slot':
        await this.effects.acquireSlot();
        return { kind: 'acquired slot' };
      case 'start':
        this.start(this.buffer.shift()!);
        return { kind: 'waited' };
    }
  }

  /** Starts one attempt; it frees its slot once sent and leaves `mine` once recorded. */
  private start(delivery: D): void {
    this.mine.add(delivery.id);
    this.started++;
    const call = this.effects.send(delivery).finally(() => this.effects.releaseSlot());
    this.sending.add(call);
    void call.finally(() => this.sending.delete(call)).catch(() => {});
    const done = (async () => {
      const recording = await call;
      if (recording.effect) await this.holdFor(recording.record());
      else await recording.record();
      this.mine.delete(delivery.id);
    })().catch((error: unknown) => this.fail(error));
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }

  /** Nothing more starts until the endpoint's fate is known: a 410 or an exhaustion may hold it. */
  private async holdFor(recorded: Promise<{ held: boolean } | null>): Promise<void> {
    const effect = recorded.then((result) => {
      if (result?.held) this.held = true;
    });
    this.effect = effect;
    await effect.finally(() => {
      if (this.effect === effect) this.effect = null;
    });
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
  }
}
