import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { createLogger } from "../../../../../server/platform/logger";
import { exportQuerySchema, exportStoredRecords } from "../../../../../server/services/export/records";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-20T18:00:00Z");

describe.each(testEngines)("export of stored record sets on %s (30.6.1.3 II c)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW, logger: createLogger("silent") });
  }, 180_000);
  afterAll(async () => t?.close());

  it("exports the operations of a period with every stored row counted independently, as JSON and XML", async () => {
    const query = exportQuerySchema.parse({ conjunto: "operaciones", desde: "2026-11-18", hasta: "2026-11-20", formato: "json" });
    const json = await exportStoredRecords(t.db, query, NOW);
    if (!json.ok) throw new Error(json.error);
    const [count] = await t.db.query<{ n: string }>(
      "select count(*) as n from operations where end_at >= '2026-11-18T00:00:00-06:00' and end_at < '2026-11-21T00:00:00-06:00'",
    );
    expect(json.rows).toBe(Number(count!.n));
    expect(json.rows).toBeGreaterThan(0);
    expect(JSON.parse(json.body).datos).toHaveLength(json.rows);
    const xml = await exportStoredRecords(t.db, { ...query, formato: "xml" }, NOW);
    if (!xml.ok) throw new Error(xml.error);
    expect(xml.body.match(/<registro numero=/g)).toHaveLength(json.rows);
  });

  it("refuses unknown sets, bad dates, reversed periods and extra parameters with a message", () => {
    expect(exportQuerySchema.safeParse({ conjunto: "users", desde: "2026-11-01", hasta: "2026-11-02" }).success).toBe(false);
    expect(exportQuerySchema.safeParse({ conjunto: "bitacora", desde: "2026-02-30", hasta: "2026-03-02" }).success).toBe(false);
    expect(exportQuerySchema.safeParse({ conjunto: "bitacora", desde: "2026-11-05", hasta: "2026-11-01" }).success).toBe(false);
    expect(exportQuerySchema.safeParse({ conjunto: "bitacora", desde: "2026-11-01", hasta: "2026-11-02", archivo: "../../etc/passwd" }).success).toBe(false);
    expect(exportQuerySchema.safeParse({ conjunto: "bitacora", desde: "2026-11-01", hasta: "2026-11-02", formato: "csv" }).success).toBe(false);
  });
});
