import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCollector, REPO } from "../../../../collectors/build/bundle.mjs";
import { demoModbusCollectorConfig, startModbusSiteServer, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { openTestDatabase, type TestDatabase } from "../../../helpers/test-db";

// The deployed collector (docker-compose `collector` service): the esbuild bundle on plain node
// with the V8 caps of docker-compose (BENCHMARKS.md, collector RSS), `collect --config FILE` against a
// real Modbus simulator and PostgreSQL — migrations found next to the bundle, links registered,
// readings stored through the spool, clean exit 0 on SIGTERM (A30-MS-13, A30-MS-16).
const engines = process.env.TEST_DATABASE_URL ? (["postgres"] as const) : ([] as const);

describe.each(engines)("bundled collector (dist/collector.mjs) on %s", (engine) => {
  let t: TestDatabase;
  let modbus: ModbusSiteServer;
  const work = mkdtempSync(path.join(tmpdir(), "aforo-bundle-"));
  const outdir = mkdtempSync(path.join(REPO, "dist-test-"));

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
    modbus = await startModbusSiteServer({ site: DEMO_SITE, port: 0 });
    await bundleCollector({ outdir });
  }, 60_000);

  afterAll(async () => {
    await modbus?.stop();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(outdir, { recursive: true, force: true });
  });

  it("collects, registers its link and stores readings; SIGTERM stops it with exit 0", async () => {
    const configFile = path.join(work, "collector.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        collectorKey: "BUNDLE-TEST",
        links: [{ installationKey: "EDS-0001", component: "CANAL:MODBUS-BUNDLE", ...demoModbusCollectorConfig(DEMO_SITE, modbus.port, { intervalMs: 250 }) }],
        pipeline: { enabled: false },
      }),
    );
    const child = spawn(process.execPath, ["--max-semi-space-size=4", "--max-old-space-size=128", path.join(outdir, "collector.mjs"), "collect", "--config", configFile], {
      cwd: work,
      env: { ...process.env, DATABASE_URL: t.url!, AFORO_DATA_DIR: path.join(work, "data"), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const tag = "EDS-0001/DISP-0001-MGA-0001/volume_total_l";
      await expect.poll(async () => (await t.db.query("select 1 from measurements where tag = $1", [tag])).length, { timeout: 30_000, interval: 250 }).toBeGreaterThan(2);
      await expect
        .poll(async () => (await t.db.query<{ key: string }>("select c.key from tags g join collectors c on c.id = g.collector_id where g.name = $1", [tag]))[0]?.key, {
          timeout: 10_000,
          interval: 250,
        })
        .toBe("MODBUS-BUNDLE");
      const batches = await t.db.query<{ n: number }>("select count(*)::int as n from collector_batches where collector_key = 'BUNDLE-TEST'");
      expect(batches[0]!.n).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
  }, 90_000);
});
