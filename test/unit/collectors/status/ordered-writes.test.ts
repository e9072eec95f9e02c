import { describe, expect, it } from "vitest";
import { createOrderedWrites } from "../../../../collectors/status/ordered-writes";
import { createLogger } from "../../../../server/platform/logger";

describe("ordered writes (link events and device status while the database is down, A30-MS-16)", () => {
  it("retries the head until the database takes it and never reorders or drops an item", async () => {
    const stored: number[] = [];
    let failuresLeft = 3;
    const writes = createOrderedWrites<number>({
      write: async (n) => {
        if (n === 2 && failuresLeft-- > 0) throw new Error("base de datos inaccesible");
        stored.push(n);
      },
      logger: createLogger("silent"),
      failureMessage: "reintento",
      describe: (n) => ({ n }),
      retryDelayMs: 1,
    });
    for (const n of [1, 2, 3, 4]) writes.push(n);
    expect(writes.pending()).toBeGreaterThan(0);
    await writes.drain(5_000);
    expect(stored).toEqual([1, 2, 3, 4]);
    expect(failuresLeft).toBe(-1);
    expect(writes.pending()).toBe(0);
  });

  it("drain gives up after its timeout while the database stays down, keeping every item", async () => {
    let up = false;
    const stored: string[] = [];
    const writes = createOrderedWrites<string>({
      write: async (item) => {
        if (!up) throw new Error("caída");
        stored.push(item);
      },
      logger: createLogger("silent"),
      failureMessage: "reintento",
      describe: () => ({}),
      retryDelayMs: 5,
    });
    writes.push("a");
    writes.push("b");
    const started = Date.now();
    await writes.drain(50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(writes.pending()).toBe(2);
    up = true;
    await writes.drain(2_000);
    expect(stored).toEqual(["a", "b"]);
  });
});
