import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createPrng } from "../../../../collectors/simulators/prng";
import { createSiteModel, stepSiteModel, withEmergencyStop, withLeak, type SiteEvent, type SiteModelState } from "../../../../collectors/simulators/site-model";

// Fault `leak` (for the A30-INC-01 end-to-end test): product leaves a tank with no operation.
const START_MS = Date.parse("2026-11-01T20:00:00Z");
const TANK = { installationKey: "EDS-0001", tankKey: "TQS-EDS-0001" };

function run(state: SiteModelState, seed: number, seconds: number): { state: SiteModelState; events: SiteEvent[] } {
  const rng = createPrng(seed);
  const events: SiteEvent[] = [];
  for (let t = 0; t < seconds; t++) {
    const result = stepSiteModel(state, 1, rng);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

const netL = (state: SiteModelState, tankKey: string) => state.tanks.find((t) => t.spec.tankKey === tankKey)!.netVolumeMl / 1000;

describe("site model fault `leak` (A30-INC-01)", () => {
  it("a stopped plant still loses the leak's volume, with no operation nor event", () => {
    const base = withEmergencyStop(createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(3) }), true).state;
    const leaking = withLeak(base, TANK.installationKey, TANK.tankKey, 36);
    const { state, events } = run(leaking, 5, 3600);
    const lostL = netL(base, TANK.tankKey) - netL(state, TANK.tankKey);
    // 36 L/h gross at ≈ 20 °C is ≈ 35.8 L at 15 °C.
    expect(lostL).toBeGreaterThan(35.5);
    expect(lostL).toBeLessThan(36);
    expect(events.filter((e) => e.type === "operation-start" || e.type === "operation-end")).toEqual([]);
    for (const tank of state.tanks.filter((t) => t.spec.tankKey !== TANK.tankKey)) {
      expect(tank.netVolumeMl).toBe(base.tanks.find((b) => b.spec.tankKey === tank.spec.tankKey)!.netVolumeMl);
    }
  });

  it("with traffic: the same sales (hose totalizers) as without the leak, and the tank short by the leaked volume", () => {
    const base = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(11), config: { hoseMeanIdleS: 30 } });
    const clean = run(base, 12, 3600);
    const leaky = run(withLeak(base, TANK.installationKey, TANK.tankKey, 120), 12, 3600);
    const moved = (events: SiteEvent[]) =>
      events.filter((e): e is Extract<SiteEvent, { type: "operation-end" }> => e.type === "operation-end").map((e) => [e.elementKey, e.netVolumeMl, e.grossVolumeL]);
    // What the dispensers measured (the totalizers add exactly these) is identical…
    expect(moved(leaky.events)).toEqual(moved(clean.events));
    expect(moved(clean.events).some(([element]) => String(element).startsWith("DISP-"))).toBe(true);
    expect(leaky.state.operations).toEqual(clean.state.operations);
    // …while the tank holds ≈ 120 L (gross) less: the inventory falls short of the operations.
    const shortL = netL(clean.state, TANK.tankKey) - netL(leaky.state, TANK.tankKey);
    expect(shortL).toBeGreaterThan(118.5);
    expect(shortL).toBeLessThan(120.5);
    expect(netL(leaky.state, "TQS-EDS-0002")).toBe(netL(clean.state, "TQS-EDS-0002"));
  });

  it("0 clears the leak; an unknown tank or a negative rate is refused", () => {
    const base = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(3) });
    const leaking = withLeak(base, TANK.installationKey, TANK.tankKey, 10);
    expect(leaking.conditions.leaksLph).toEqual({ "EDS-0001/TQS-EDS-0001": 10 });
    expect(withLeak(leaking, TANK.installationKey, TANK.tankKey, 0).conditions.leaksLph).toEqual({});
    expect(() => withLeak(base, "EDS-0001", "TQS-NOPE", 10)).toThrow(/tanque desconocido/);
    expect(() => withLeak(base, TANK.installationKey, TANK.tankKey, -1)).toThrow(/≥ 0/);
  });
});
