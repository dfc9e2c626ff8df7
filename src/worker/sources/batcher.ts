// A buffer between a broker's deliveries and the batches handed to commit: a batch is ready when
// it is full, or a short linger after its first message, so a trickle is not held back.

export class Batcher<T> {
  #items: T[] = [];
  #failure: Error | null = null;
  #wake: (() => void) | null = null;

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  /** The source failed (connection lost): a waiting next() rejects with it, and every later one. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  /**
   * At least one item and at most `max`, once `max` are there or `lingerMs` after the first one;
   * null when `signal` aborts first (what is buffered stays unacknowledged, so it is redelivered).
   */
  async next(max: number, lingerMs: number, signal: AbortSignal): Promise<T[] | null> {
    let lingerUntil: number | null = null;
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (signal.aborted) return null;
      if (this.#items.length >= max) return this.#items.splice(0, max);
      const now = performance.now();
      if (this.#items.length > 0) {
        lingerUntil ??= now + lingerMs;
        if (now >= lingerUntil) return this.#items.splice(0, max);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#wake = null;
          resolve();
        };
        const timer = lingerUntil === null ? undefined : setTimeout(done, Math.max(0, lingerUntil - now));
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
  }
}
