import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollectorRuntime, type CollectorRuntime } from "../../../../../collectors/runtime";
import { demoCollectorFile, startSiteSimulators, type SiteEvent, type SiteSimulators } from "../../../../../collectors/simulators/index";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import type { Site } from "../../../../../server/contracts/site";
import { createLogger } from "../../../../../server/platform/logger";
import { listOperations, runOperationDetection, type OperationDetectionOptions } from "../../../../../server/services/operations/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-REC-01 end to end with the REAL site simulator: OPC UA + Modbus + Veeder-Root TLS on real
 * sockets, the collector runtime with its measurement pipeline writing tank_readings at 20 °C, and
 * the detection job over what was stored. TQS-EDS-0001 starts below the reorder point, so the
 * model orders a tanker at once and discharges it while the hoses keep selling.
 *
 * The simulator runs SPEED× faster than the wall clock, and the collector stamps readings with the
 * wall clock, so the detector's time criteria are scaled by the same factor (rates × SPEED, times ÷ SPEED).
 */
const SPEED = 120;
const DETECTION: OperationDetectionOptions = {
  reception: { noiseBandL: 50, minRiseRateLpm: 100 * SPEED, rateWindowS: 3, settleS: 6, minReceptionL: 500, minDurationS: 3, maxRestDeclineLpm: 300 * SPEED },
  sale: { restS: 2 },
};

const site: Site = {
  ...DEMO_SITE,
  installations: DEMO_SITE.installations.map((i) =>
    i.key !== "EDS-0001" ? i : { ...i, tanks: i.tanks.map((k) => (k.key === "TQS-EDS-0001" ? { ...k, initialFillFraction: 0.2 } : k)) },
  ),
};

describe.each(testEngines)("reception detected from the real site simulator on %s (A30-REC-01)", (engine) => {
  let t: TestDatabase;
  let simulators: SiteSimulators;
  let runtime: CollectorRuntime;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-ops-sim-"));
  const ended: Extract<SiteEvent, { type: "operation-end" }>[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date() });
    simulators = await startSiteSimulators({ site, speed: SPEED, opcuaPort: 0, modbusPort: 0, tlsPort: 0, pkiDir: path.join(dataDir, "sim-pki"), logger: createLogger("silent") });
    simulators.opcua.model.onEvents((events) => {
      for (const e of events) if (e.type === "operation-end" && e.operation === "tanker-delivery") ended.push(e);
    });
    const file = demoCollectorFile(site, simulators, dataDir);
    for (const link of file.links) if (link.kind === "veeder-root") Object.assign(link.config, { pollIntervalMs: 500, timeoutMs: 400 });
    runtime = await startCollectorRuntime({ db: t.db, databaseUrl: t.url ?? undefined, file, dataDir, logger: createLogger("silent"), trustOnFirstUse: true });
  });

  afterAll(async () => {
    await runtime?.stop();
    await simulators?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a tanker delivery yields exactly one reception whose net volume matches the simulated delivery", { timeout: 150_000 }, async () => {
    await expect.poll(() => ended.length, { timeout: 90_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    const delivery = ended[0]!;
    expect(delivery.tankKey).toBe("TQS-EDS-0001");
    await runtime.pipeline?.flush();
    await expect
      .poll(
        async () => {
          await runOperationDetection(t.db, new Date(), DETECTION);
          return (await listOperations(t.db, { type: "reception" })).length;
        },
        { timeout: 40_000, interval: 1000 },
      )
      .toBeGreaterThanOrEqual(1);
    // A few more passes: nothing else may appear for this discharge.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await runOperationDetection(t.db, new Date(), DETECTION);
    }
    const receptions = await listOperations(t.db, { type: "reception" });
    expect(receptions).toHaveLength(1);
    const reception = receptions[0]!;
    expect(reception.tankKey).toBe("TQS-EDS-0001");
    // The model books net litres at 15 °C; the record is at 20 °C (gasoline expands ≈ 0.1 %/°C).
    const expected20 = delivery.netVolumeL * (1 + 0.00095 * 5);
    const error = Math.abs(reception.netVolume - expected20) / expected20;
    console.info(
      `[operations] simulated ${delivery.netVolumeL.toFixed(1)} L@15 °C (${expected20.toFixed(1)} L@20 °C, gross ${delivery.grossVolumeL.toFixed(1)} L); ` +
        `recorded ${reception.netVolume} L@20 °C, gross ${reception.grossVolume} L, metered sales added ${JSON.stringify((reception.rawData!.meteredOutflow as { netL: number }).netL)} L; error ${(error * 100).toFixed(2)} %`,
    );
    expect(error).toBeLessThan(0.02);
    expect(reception.status).toBe("incomplete");
    expect(reception.sourceDevice).toMatch(/^UCC \(algoritmo vcf-api11\.1 v/);
    // The record's time is the end of the discharge (A30-REC-01), not its start.
    expect(reception.endAt.getTime() - reception.startAt.getTime()).toBeGreaterThan(5_000);
  });
});
