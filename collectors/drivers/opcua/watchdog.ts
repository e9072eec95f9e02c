/**
 * Subscription watchdog: detects a subscription that stopped delivering.
 *
 * An OPC UA server sends, for each subscription, a NotificationMessage at every publishing
 * interval that has notifications, and otherwise a keep-alive after `maxKeepAliveCount` empty
 * intervals (Part 4 §5.13.1.1). So a healthy subscription is never silent for longer than
 * publishingInterval × maxKeepAliveCount; if neither data nor keep-alive arrived for the watchdog
 * timeout (by default twice that plus one interval), the subscription is considered lost even if
 * the TCP link looks alive — the "session looks alive but no data" failure reported for several
 * stacks (anchors §2.2) — and the caller rebuilds it.
 *
 * Pure state machine: the timer functions and the clock are injected (tests use fake timers).
 * One timer per watchdog, re-armed lazily: `activity()` only records the time, so a busy
 * subscription costs no timer churn.
 */

export type WatchdogState = "idle" | "watching" | "fired";

export interface WatchdogClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemWatchdogClock: WatchdogClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Default timeout: (2 × maxKeepAliveCount + 1) publishing intervals, at least `floorMs`. */
export function watchdogTimeoutMs(publishingIntervalMs: number, maxKeepAliveCount: number, floorMs = 1000): number {
  return Math.max(floorMs, Math.round(publishingIntervalMs * (2 * maxKeepAliveCount + 1)));
}

export class SubscriptionWatchdog {
  private stateValue: WatchdogState = "idle";
  private timeoutMs = 0;
  private lastActivityMs = 0;
  private timer: unknown = null;

  constructor(
    private readonly onSilent: (silentSinceMs: number, silentForMs: number) => void,
    private readonly clock: WatchdogClock = systemWatchdogClock,
  ) {}

  get state(): WatchdogState {
    return this.stateValue;
  }

  /** Time of the last data or keep-alive (or of `arm`). */
  get lastActivity(): number {
    return this.lastActivityMs;
  }

  /** Starts watching (a new subscription counts as activity). */
  arm(timeoutMs: number): void {
    if (!(timeoutMs > 0)) throw new RangeError(`timeout del vigilante inválido: ${timeoutMs}`);
    this.clearTimer();
    this.timeoutMs = timeoutMs;
    this.lastActivityMs = this.clock.now();
    this.stateValue = "watching";
    this.schedule(timeoutMs);
  }

  /** Data or keep-alive received. Ignored unless watching. */
  activity(): void {
    if (this.stateValue !== "watching") return;
    this.lastActivityMs = this.clock.now();
  }

  disarm(): void {
    this.clearTimer();
    this.stateValue = "idle";
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), delayMs);
  }

  private check(): void {
    this.timer = null;
    if (this.stateValue !== "watching") return;
    const silentForMs = this.clock.now() - this.lastActivityMs;
    if (silentForMs < this.timeoutMs) {
      this.schedule(this.timeoutMs - silentForMs);
      return;
    }
    // Fires once; the caller re-arms after rebuilding the subscription.
    this.stateValue = "fired";
    this.onSilent(this.lastActivityMs, silentForMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
