/**
 * Fixed-window request limiter (issue #5 item 10): at most `limit` requests per key in each
 * `windowMs`. In-memory and per process, which is where a single Aforo server enforces it.
 * Time is passed in, so the rule is testable without a clock.
 */
export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterS: number;
}

export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Upper bound of distinct keys kept; the oldest windows are dropped first. */
    readonly maxKeys = 10_000,
  ) {}

  take(key: string, nowMs: number): RateLimitDecision {
    let window = this.#windows.get(key);
    if (!window || nowMs - window.start >= this.windowMs) {
      if (window) this.#windows.delete(key);
      window = { start: nowMs, count: 0 };
      this.#windows.set(key, window);
      this.#evict();
    }
    window.count += 1;
    const retryAfterS = Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000));
    return { allowed: window.count <= this.limit, remaining: Math.max(0, this.limit - window.count), retryAfterS };
  }

  #evict(): void {
    while (this.#windows.size > this.maxKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest === undefined) break;
      this.#windows.delete(oldest);
    }
  }
}
