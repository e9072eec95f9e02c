import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase } from "../../../db/client";
import { listInstallationsWithTanks, listTankTags } from "../../../db/repositories/installations";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { seedDemo } from "../../../db/seed/demo";
import { startCollector } from "../../../collectors/main";
import { startSiteSimulators } from "../../../collectors/simulators/index";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import { createLogger } from "../../../server/platform/logger";

// Issue #2 item 8: the embedded demo keeps its data across restarts. Runs the demo's start-up
// sequence (migrate, seed, simulator, collector) twice on one PGlite data directory.
const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-persist-"));
const logger = createLogger("silent");
const now = new Date("2026-11-25T12:00:00Z");

async function runDemoOnce(seconds: number): Promise<{ measurements: number; users: number; tanks: number }> {
  const db = await openDatabase({ dataDir });
  try {
    await migrateDatabase(db);
    await seedCatalogs(db);
    await seedDemo(db, DEMO_SITE, { now });
    const simulators = await startSiteSimulators({ site: DEMO_SITE, opcuaPort: 0, logger });
    const tags = await listTankTags(db);
    const collector = await startCollector({
      db,
      endpointUrl: simulators.opcua.endpointUrl,
      tags: tags.map((t) => ({ tag: t.tag, nodeId: t.sourceAddress })),
      logger,
    });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await collector.stop();
    await simulators.stop();
    const [m] = await db.query<{ n: number }>("select count(*)::int as n from measurements");
    const [u] = await db.query<{ n: number }>("select count(*)::int as n from users");
    const [t] = await db.query<{ n: number }>("select count(*)::int as n from tanks");
    return { measurements: m!.n, users: u!.n, tanks: t!.n };
  } finally {
    await db.close();
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("embedded demo persistence (issue #2 item 8)", () => {
  it("measurements, users and equipment survive a restart, and seeding does not duplicate them", async () => {
    const first = await runDemoOnce(3);
    expect(first.tanks).toBe(9);
    expect(first.users).toBe(4);
    expect(first.measurements).toBeGreaterThanOrEqual(36);

    const second = await runDemoOnce(3);
    expect(second.tanks).toBe(9);
    expect(second.users).toBe(4);
    expect(second.measurements).toBeGreaterThan(first.measurements);

    const db = await openDatabase({ dataDir });
    try {
      const installations = await listInstallationsWithTanks(db);
      const station = installations.find((i) => i.key === "EDS-0001");
      expect(station?.tanks.map((t) => t.key)).toEqual(["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]);
      expect(station?.tanks[0]?.latest.level_mm?.value).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
