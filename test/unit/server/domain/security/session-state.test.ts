import { describe, expect, it } from "vitest";
import { ABSOLUTE_SESSION_S, evaluateSession, SESSION_END_MESSAGES } from "../../../../../server/domain/security/index";

const start = new Date("2026-11-02T10:00:00Z");
const at = (s: number) => new Date(start.getTime() + s * 1000);
const open = { createdAt: start, lastSeenAt: start, revokedAt: null, revokedReason: null };

describe("server-side session expiry (A30-SEC-09, 30.6.2 VI)", () => {
  it("idle 599 s → still active; idle 601 s → ended for inactivity at the limit", () => {
    expect(evaluateSession(open, at(599), 600)).toEqual({ active: true });
    expect(evaluateSession(open, at(600), 600)).toEqual({ active: true });
    expect(evaluateSession(open, at(601), 600)).toEqual({ active: false, reason: "idle", endedAt: at(600) });
  });

  it("activity moves the idle window: last seen at +500 s keeps it open at +1000 s", () => {
    expect(evaluateSession({ ...open, lastSeenAt: at(500) }, at(1000), 600)).toEqual({ active: true });
  });

  it("a limit above 600 s is capped at 600 s (never more than 10 minutes)", () => {
    expect(evaluateSession(open, at(601), 3600)).toMatchObject({ active: false, reason: "idle" });
  });

  it("a short configured limit (5 s, used by the e2e test) applies as given", () => {
    expect(evaluateSession(open, at(5), 5)).toEqual({ active: true });
    expect(evaluateSession(open, at(6), 5)).toMatchObject({ active: false, reason: "idle" });
  });

  it("a revoked session stays ended with its reason; an always-active one ends at the absolute limit", () => {
    expect(evaluateSession({ ...open, revokedAt: at(10), revokedReason: "user" }, at(11), 600)).toEqual({ active: false, reason: "user", endedAt: at(10) });
    const busy = { ...open, lastSeenAt: at(ABSOLUTE_SESSION_S) };
    expect(evaluateSession(busy, at(ABSOLUTE_SESSION_S + 1), 600)).toMatchObject({ active: false, reason: "absolute" });
  });

  it("the inactivity message is the one the log-in screen shows", () => {
    expect(SESSION_END_MESSAGES.idle).toMatch(/expiró por inactividad/);
  });
});
