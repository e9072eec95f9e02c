import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SubscriptionWatchdog, systemWatchdogClock, watchdogTimeoutMs } from "../../../../../collectors/drivers/opcua/watchdog";

/**
 * Part 4 §5.13.1.1: a healthy subscription delivers a NotificationMessage or a keep-alive at least
 * every publishingInterval × maxKeepAliveCount. The watchdog fires once when neither arrived for
 * its timeout, and stays quiet while they do.
 */
describe("subscription watchdog", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-01T12:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("derives the timeout from the revised subscription parameters", () => {
    expect(watchdogTimeoutMs(1000, 10)).toBe(21_000);
    expect(watchdogTimeoutMs(250, 3)).toBe(1750);
    expect(watchdogTimeoutMs(50, 1)).toBe(1000); // floor
    expect(watchdogTimeoutMs(50, 1, 100)).toBe(150);
  });

  it("stays quiet while keep-alives arrive within the timeout", () => {
    const fired = vi.fn();
    const watchdog = new SubscriptionWatchdog(fired);
    watchdog.arm(watchdogTimeoutMs(1000, 10));
    // Keep-alive every maxKeepAliveCount × publishingInterval = 10 s, for ten minutes.
    for (let i = 0; i < 60; i += 1) {
      vi.advanceTimersByTime(10_000);
      watchdog.activity();
    }
    expect(fired).not.toHaveBeenCalled();
    expect(watchdog.state).toBe("watching");
  });

  it("fires once after the timeout with no data nor keep-alive, reporting when the silence began", () => {
    const fired = vi.fn();
    const watchdog = new SubscriptionWatchdog(fired);
    watchdog.arm(21_000);
    vi.advanceTimersByTime(5000);
    watchdog.activity();
    const lastActivity = Date.now();
    vi.advanceTimersByTime(20_999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(fired).toHaveBeenCalledWith(lastActivity, 21_000);
    expect(watchdog.state).toBe("fired");
    // No repeat until re-armed; activity after firing is ignored.
    watchdog.activity();
    vi.advanceTimersByTime(100_000);
    expect(fired).toHaveBeenCalledTimes(1);
    // Re-armed after the rebuild: watches again.
    watchdog.arm(21_000);
    expect(watchdog.state).toBe("watching");
    vi.advanceTimersByTime(21_000);
    expect(fired).toHaveBeenCalledTimes(2);
  });

  it("a disarmed watchdog never fires; arming twice keeps one timer", () => {
    const fired = vi.fn();
    const watchdog = new SubscriptionWatchdog(fired);
    watchdog.arm(1000);
    watchdog.arm(1000);
    expect(vi.getTimerCount()).toBe(1);
    watchdog.disarm();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
    expect(watchdog.state).toBe("idle");
    expect(() => watchdog.arm(0)).toThrow(RangeError);
  });

  it("costs no timer churn under load: activity only records the time", () => {
    const fired = vi.fn();
    const watchdog = new SubscriptionWatchdog(fired, systemWatchdogClock);
    watchdog.arm(2000);
    for (let i = 0; i < 1000; i += 1) {
      vi.advanceTimersByTime(10);
      watchdog.activity();
    }
    expect(vi.getTimerCount()).toBe(1);
    expect(fired).not.toHaveBeenCalled();
    expect(watchdog.lastActivity).toBe(Date.now());
  });

  it("works with an injected clock (no real timers)", () => {
    let now = 0;
    const pending: Array<{ at: number; callback: () => void }> = [];
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => {
        const entry = { at: now + ms, callback };
        pending.push(entry);
        return entry;
      },
      clearTimeout: (handle: unknown) => {
        const index = pending.indexOf(handle as (typeof pending)[number]);
        if (index >= 0) pending.splice(index, 1);
      },
    };
    const run = (until: number): void => {
      for (;;) {
        pending.sort((a, b) => a.at - b.at);
        const next = pending[0];
        if (!next || next.at > until) break;
        pending.shift();
        now = next.at;
        next.callback();
      }
      now = until;
    };
    const fired = vi.fn();
    const watchdog = new SubscriptionWatchdog(fired, clock);
    watchdog.arm(1400);
    run(600);
    watchdog.activity();
    run(1999);
    expect(fired).not.toHaveBeenCalled();
    run(2000);
    expect(fired).toHaveBeenCalledWith(600, 1400);
  });
});
