// An endpoint's rateLimitPerSecond: attempts that may start in the current one-second window. The
// window travels with the endpoint's lane (endpoint_lane), which one worker holds at a time, so the
// limit holds across every worker process. Waiting for the next window is not an attempt.
export class RateWindow {
  start: Date | null;
  count: number;
  private readonly limit: number;

  constructor(start: Date | null, count: number, limit: number) {
    this.start = start;
    this.count = count;
    this.limit = limit;
  }

  /** null: an attempt may start now (and is counted); else when the next window opens. */
  take(now: Date): Date | null {
    const second = Math.floor(now.getTime() / 1000) * 1000;
    // Never backwards: a window opened by a worker whose clock runs ahead keeps counting.
    if (this.start === null || this.start.getTime() < second) {
      this.start = new Date(second);
      this.count = 0;
    }
    if (this.count < this.limit) {
      this.count++;
      return null;
    }
    return new Date(this.start.getTime() + 1000);
  }
}
