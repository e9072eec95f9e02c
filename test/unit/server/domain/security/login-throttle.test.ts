import { describe, expect, it } from "vitest";
import { afterFailure, EMPTY_THROTTLE, lockDurationS, lockedMessage, lockRemainingS } from "../../../../../server/domain/security/index";

const policy = { threshold: 5, baseLockS: 60, maxLockS: 3600 };
const now = new Date("2026-11-02T10:00:00Z");

describe("log-in lock-out with growing delay (issue #5 item 5, A30-SEC-02)", () => {
  it("no lock below the threshold; 60 s at the 5th failure, doubling after, capped at 1 h", () => {
    expect([1, 2, 3, 4].map((n) => lockDurationS(n, policy))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => lockDurationS(n, policy))).toEqual([60, 120, 240, 480]);
    expect(lockDurationS(20, policy)).toBe(3600);
    expect(lockDurationS(10_000, policy)).toBe(3600);
  });

  it("five consecutive failures lock the name for 60 s; the lock runs out", () => {
    let state = EMPTY_THROTTLE;
    for (let i = 0; i < 4; i += 1) state = afterFailure(state, now, policy);
    expect(lockRemainingS(state, now)).toBe(0);
    state = afterFailure(state, now, policy);
    expect(state.failures).toBe(5);
    expect(lockRemainingS(state, now)).toBe(60);
    expect(lockRemainingS(state, new Date(now.getTime() + 59_500))).toBe(1);
    expect(lockRemainingS(state, new Date(now.getTime() + 60_000))).toBe(0);
  });

  it("the message tells the wait in seconds or minutes", () => {
    expect(lockedMessage(45)).toBe("Demasiados intentos fallidos: espere 45 s antes de volver a intentar.");
    expect(lockedMessage(480)).toBe("Demasiados intentos fallidos: espere 8 min antes de volver a intentar.");
  });
});
