import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCollectorFile, type CollectorFile } from "../../../../collectors/config";
import { loadKnownDeliveryKeys } from "../../../../collectors/known-deliveries";
import { startCollectorRuntime, type CollectorDelivery, type CollectorRuntime } from "../../../../collectors/runtime";
import { demoVeederRootCollectorConfig, startVeederRootConsole, type VeederRootConsole } from "../../../../collectors/simulators/veeder-root-console";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Site } from "../../../../server/contracts/site";
import { createLogger } from "../../../../server/platform/logger";
import { atgReportFromCollector, recordAtgDelivery } from "../../../../server/services/operations/atg-delivery";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

/**
 * A30-REC-01 / A30-MS-14: the Veeder-Root console answers its stored delivery reports (i202) on
 * every poll. The collector runtime loads the report keys the operations service already stored
 * (`operations.source_key`) and hands them to the driver, so a restarted collector does not
 * announce them again — no second reception attempt and no type-4 "duplicado" alarm.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const site: Site = {
  ...DEMO_SITE,
  installations: DEMO_SITE.installations.map((i) =>
    i.key !== "EDS-0001" ? i : { ...i, tanks: i.tanks.map((k) => (k.key === "TQS-EDS-0001" ? { ...k, initialFillFraction: 0.2 } : k)) },
  ),
};

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`tiempo agotado (${timeoutMs} ms) esperando ${what}`);
    await sleep(100);
  }
}

describe.each(testEngines)("Veeder-Root deliveries already stored are not announced after a restart on %s (A30-REC-01, A30-MS-14)", (engine) => {
  let t: TestDatabase;
  let console_: VeederRootConsole;
  let runtime: CollectorRuntime | null = null;
  let file: CollectorFile;
  const announced: CollectorDelivery[] = [];
  const stored: Promise<unknown>[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-known-deliveries-"));
  const logger = createLogger("silent");

  const start = () =>
    startCollectorRuntime({
      db: t.db,
      file,
      dataDir,
      logger,
      onDelivery: (delivery) => {
        announced.push(delivery);
        stored.push(recordAtgDelivery(t.db, atgReportFromCollector(delivery), new Date()));
      },
    });

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date(Date.now() - 2 * 86_400_000) });
    // The console's own plant, stepped by hand (no wall-clock ticks): TQS-EDS-0001 starts low, so a
    // tanker is ordered at once; step until its discharge is over and in the console's report.
    console_ = await startVeederRootConsole({ site, port: 0, tickMs: 3_600_000, logger });
    for (let i = 0; i < 4 * 24 * 60 && console_.deliveries().length === 0; i++) console_.model.advance(30);
    file = parseCollectorFile(
      {
        collectorKey: "VR-TEST",
        links: [{ installationKey: "EDS-0001", component: "CANAL:TLS-EDS-0001", ...demoVeederRootCollectorConfig(site, console_.port), pollIntervalMs: 300, deliveryPollIntervalMs: 300, timeoutMs: 500 }],
        pipeline: { enabled: false },
      },
      { dataDir },
    );
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await console_?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const duplicateAlarms = async () => (await t.db.query("select 1 from alarms where type = 4")).length;

  it("the first run announces the console's delivery once and it is stored as a reception", async () => {
    expect(console_.deliveries().length).toBeGreaterThanOrEqual(1);
    runtime = await start();
    await waitUntil(() => announced.length >= console_.deliveries().length, 15_000, "las entregas de la consola");
    await Promise.all(stored);
    const keys = await loadKnownDeliveryKeys(t.db, ["EDS-0001/TQS-EDS-0001"]);
    expect(keys).toEqual(announced.filter((d) => d.tankKey === "TQS-EDS-0001").map((d) => d.key));
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(await duplicateAlarms()).toBe(0);
  });

  it("after a collector restart the stored reports are not announced again: no duplicate alarm (A30-ALM-01 type 4)", async () => {
    const before = announced.length;
    await runtime!.stop();
    runtime = await start();
    // Several delivery polls of the new run: the console still answers the same reports.
    await waitUntil(() => runtime!.drivers[0]!.driver.status.state === "connected", 10_000, "la consola");
    await sleep(2000);
    expect(console_.deliveries().length).toBeGreaterThanOrEqual(1);
    expect(announced.length).toBe(before);
    await Promise.all(stored);
    expect(await duplicateAlarms()).toBe(0);
    expect((await t.db.query("select 1 from operations where source_key like 'atg:%'")).length).toBe(before);
  });
});
