import { describe, expect, it } from "vitest";
import { FixedWindowLimiter } from "../../../../../server/domain/security/index";

describe("fixed-window rate limiter (issue #5 item 10)", () => {
  it("allows `limit` requests per key and window, then refuses with the seconds left", () => {
    const limiter = new FixedWindowLimiter(3, 60_000);
    expect([0, 1, 2].map((t) => limiter.take("10.0.0.1", t).allowed)).toEqual([true, true, true]);
    const refused = limiter.take("10.0.0.1", 30_000);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterS: 30 });
    // another key is independent
    expect(limiter.take("10.0.0.2", 30_000).allowed).toBe(true);
    // a new window starts after 60 s
    expect(limiter.take("10.0.0.1", 60_000).allowed).toBe(true);
  });

  it("keeps at most maxKeys windows (memory bound under a spray of addresses)", () => {
    const limiter = new FixedWindowLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i += 1) limiter.take(`k${i}`, 0);
    // the oldest keys were dropped: k0 starts a fresh window and is allowed again
    expect(limiter.take("k0", 1).allowed).toBe(true);
    expect(limiter.take("k999", 1).allowed).toBe(false);
  });
});
