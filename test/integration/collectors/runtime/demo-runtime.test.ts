import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { startCollectorRuntime, type CollectorRuntime } from "../../../../collectors/runtime";
import { demoCollectorFile, startSiteSimulators, type SiteSimulators } from "../../../../collectors/simulators/index";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createLogger } from "../../../../server/platform/logger";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

// Issue #3 "done when": the demo uses these collectors for all its tanks. Real simulators over
// real sockets (OPC UA SignAndEncrypt, Modbus TCP, Veeder-Root TLS), one plant model, the collector
// runtime with pipeline and durable spool, and a real database.
describe.each(testEngines)("demo collector runtime on %s (A30-MS-13, A30-MS-15, A30-MS-18)", (engine) => {
  let t: TestDatabase;
  let simulators: SiteSimulators;
  let runtime: CollectorRuntime;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-runtime-"));

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
    simulators = await startSiteSimulators({ site: DEMO_SITE, opcuaPort: 0, modbusPort: 0, tlsPort: 0, pkiDir: path.join(dataDir, "sim-pki"), logger: createLogger("silent") });
    const file = demoCollectorFile(DEMO_SITE, simulators, dataDir);
    // Faster console polls so the test sees outages and recoveries quickly.
    for (const link of file.links) if (link.kind === "veeder-root") Object.assign(link.config, { pollIntervalMs: 500, timeoutMs: 300, failuresBeforeDisconnect: 2, maxBackoffMs: 500 });
    runtime = await startCollectorRuntime({ db: t.db, databaseUrl: t.url ?? undefined, file, dataDir, logger: createLogger("silent"), trustOnFirstUse: true });
  });

  afterAll(async () => {
    await runtime?.stop();
    await simulators?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function tagsStored(): Promise<Set<string>> {
    const rows = await t.db.query<{ tag: string }>("select distinct tag from measurements where quality = 0");
    return new Set(rows.map((r) => r.tag));
  }

  it("stores every tank's measured and derived values, dispenser totalizers and duct meters, from the three protocols", async () => {
    await expect
      .poll(async () => {
        const tags = await tagsStored();
        return [
          tags.has("EDS-0001/TQS-EDS-0001/level_mm"), // Veeder-Root TLS
          tags.has("EDS-0001/TQS-EDS-0001/tc_volume_l"), // Veeder-Root TLS
          tags.has("EDS-0001/TQS-EDS-0001/density_kg_m3"), // OPC UA
          tags.has("TDA-0001/TQS-TDA-0006/level_mm"), // OPC UA
          tags.has("EDS-0001/DISP-0004-MGA-0002/volume_total_l"), // Modbus
          [...tags].some((tag) => tag.startsWith("TDA-0001/DUC-")), // Modbus
          DEMO_SITE.installations.every((i) => i.tanks.every((k) => tags.has(`${i.key}/${k.key}/net_volume_l`))), // pipeline
        ];
      }, { timeout: 30_000, interval: 500 })
      .toEqual([true, true, true, true, true, true, true]);
  });

  it("A30-MS-13: registers its links in collectors and its tags in tags, so the server knows which link owns each tag", async () => {
    const result = await runtime.registered;
    expect(result.links.map((l) => l.key).sort()).toEqual(["MODBUS-EDS-0001", "OPCUA-TDA-0001", "TLS-EDS-0001"]);
    const links = await t.db.query<{ key: string; kind: string; security_mode: string; security_reason: string | null; endpoint: string; config: Record<string, unknown> }>(
      "select key, kind, security_mode, security_reason, endpoint, config from collectors where key in ('MODBUS-EDS-0001', 'OPCUA-TDA-0001', 'TLS-EDS-0001') order by key",
    );
    expect(links.map((l) => [l.key, l.kind, l.security_mode])).toEqual([
      ["MODBUS-EDS-0001", "modbus", "unsecured"],
      ["OPCUA-TDA-0001", "opcua", "SignAndEncrypt"],
      ["TLS-EDS-0001", "veeder_root", "unsecured"],
    ]);
    expect(links[0]!.security_reason).toMatch(/sin cifrado|no ofrece cifrado/);
    expect(links[1]!.endpoint).toBe(simulators.opcua.endpointUrl);
    expect(links.every((l) => l.config.collectorKey === "DEMO")).toBe(true);
    const owner = async (tag: string) =>
      (await t.db.query<{ key: string; element_type: string; source_address: string | null }>(
        "select c.key, g.element_type, g.source_address from tags g join collectors c on c.id = g.collector_id where g.name = $1",
        [tag],
      ))[0];
    expect(await owner("EDS-0001/TQS-EDS-0001/level_mm")).toMatchObject({ key: "TLS-EDS-0001", element_type: "tank", source_address: "i201:01:level_mm" });
    // Derived by the pipeline from the level: owned by the link that reads the level.
    expect(await owner("EDS-0001/TQS-EDS-0001/net_volume_l")).toMatchObject({ key: "TLS-EDS-0001", element_type: "tank" });
    expect(await owner("EDS-0001/TQS-EDS-0001/density_kg_m3")).toMatchObject({ key: "OPCUA-TDA-0001" });
    expect(await owner("TDA-0001/TQS-TDA-0006/level_mm")).toMatchObject({ key: "OPCUA-TDA-0001", element_type: "tank" });
    expect((await owner("EDS-0001/DISP-0004-MGA-0002/volume_total_l"))?.key).toBe("MODBUS-EDS-0001");
    // Every tag a link reads is registered with its owner; a second registration changes nothing.
    const count = async () => (await t.db.query<{ n: number }>("select count(*)::int as n from tags g join collectors c on c.id = g.collector_id where c.config->>'collectorKey' = 'DEMO'"))[0]!.n;
    const before = await count();
    expect(before).toBe(result.links.reduce((n, l) => n + l.tags, 0));
    const { registerCollectorLinks } = await import("../../../../collectors/registry");
    await registerCollectorLinks(t.db, runtime.file, createLogger("silent"));
    expect(await count()).toBe(before);
  });

  it("writes auditable tank readings at 20 °C with the algorithm version (A30-MS-08, A30-MS-18)", async () => {
    await runtime.pipeline!.flush();
    const rows = await t.db.query<{ n: number; versions: string[] }>(
      "select count(distinct tank_id)::int as n, array_agg(distinct algorithm_id || ' ' || algorithm_version) as versions from tank_readings where reference_temperature_c = 20",
    );
    expect(rows[0]!.n).toBe(9);
    expect(rows[0]!.versions).toEqual(["vcf-api11.1 1.0.0"]);
  });

  it("a console that stops answering leaves BAD readings, a bitácora entry and an alarm; recovery clears it and records the resumption (A30-MS-15, A30-ALM-05)", async () => {
    simulators.veederRoot.setFault({ kind: "no-reply" });
    await expect
      .poll(async () => (await t.db.query("select 1 from alarms where component = 'CANAL:TLS-EDS-0001' and type = 5")).length, { timeout: 20_000, interval: 250 })
      .toBe(1);
    // The BAD readings travel through the spool like any other reading.
    await expect
      .poll(async () => (await t.db.query("select 1 from measurements where tag = 'EDS-0001/TQS-EDS-0002/level_mm' and quality = 2")).length, { timeout: 10_000, interval: 250 })
      .toBeGreaterThanOrEqual(1);
    simulators.veederRoot.setFault(null);
    await expect
      .poll(async () => (await t.db.query("select 1 from alarms where component = 'CANAL:TLS-EDS-0001' and type = 12")).length, { timeout: 20_000, interval: 250 })
      .toBe(1);
    const entries = await t.db.query<{ description: string; category: number }>(
      "select description, category from event_log where component = 'CANAL:TLS-EDS-0001' order by id",
    );
    expect(entries.map((e) => e.category)).toEqual([4, 4]);
    expect(entries[0]!.description).toContain("Error de comunicación");
    expect(entries[1]!.description).toContain("Comunicación restablecida");
    const cleared = await t.db.query("select 1 from alarm_actions x join alarms a on a.id = x.alarm_id where a.component = 'CANAL:TLS-EDS-0001' and x.action = 'clear'");
    expect(cleared).toHaveLength(1);
  });

  it("a dead Modbus unit is recorded for its own measurement system while the others keep reporting (A30-MS-19)", async () => {
    const unit = simulators.modbus.map.devices.find((d) => d.key.endsWith("SMD-DISP-0002"))!.unitId;
    simulators.modbus.setUnitFault(unit, { kind: "dead" });
    await expect
      .poll(async () => (await t.db.query("select 1 from alarms where component = 'SMD-DISP-0002' and type = 5")).length, { timeout: 20_000, interval: 250 })
      .toBe(1);
    const before = await t.db.query<{ n: number }>("select count(*)::int as n from measurements where tag like 'EDS-0001/DISP-0003-%' and quality = 0");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = await t.db.query<{ n: number }>("select count(*)::int as n from measurements where tag like 'EDS-0001/DISP-0003-%' and quality = 0");
    expect(after[0]!.n).toBeGreaterThan(before[0]!.n);
    simulators.modbus.setUnitFault(unit, null);
  });
});
