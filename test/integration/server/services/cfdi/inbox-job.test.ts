import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { cfdiInboxJob, createCfdiInbox, type CfdiInbox } from "../../../../../server/services/cfdi/index";
import { fuelCfdi, testUuid } from "../../../../helpers/cfdi-variants";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const NOW = new Date("2026-11-05T18:00:00Z");

describe.each(testEngines)("watched CFDI folder on %s (issue #6 item 1)", (engine) => {
  let t: TestDatabase;
  let dataDir: string;
  let inbox: CfdiInbox;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-10-01T00:00:00Z") });
    dataDir = await mkdtemp(path.join(tmpdir(), "aforo-cfdi-"));
    inbox = createCfdiInbox(t.db, { dataDir });
  });
  afterAll(async () => {
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("creates cfdi-entrada/ with procesados/ and rechazados/; a file is imported only once its size is stable across two scans", async () => {
    expect(inbox.dir).toBe(path.join(dataDir, "cfdi-entrada"));
    const first = await inbox.scan(NOW);
    expect(first).toMatchObject({ imported: [], rejected: [], waiting: [], errors: [] });
    expect((await readdir(inbox.dir)).sort()).toEqual(["procesados", "rechazados"]);

    const good = fuelCfdi({ uuid: testUuid(100) });
    await writeFile(path.join(inbox.dir, "factura.xml"), good.slice(0, 1000));
    expect((await inbox.scan(NOW)).waiting).toEqual(["factura.xml"]);
    // Still being written: the size changed since the previous scan → wait again.
    await appendFile(path.join(inbox.dir, "factura.xml"), good.slice(1000));
    expect((await inbox.scan(NOW)).waiting).toEqual(["factura.xml"]);
    const done = await inbox.scan(NOW);
    expect(done.imported).toEqual([expect.objectContaining({ file: "factura.xml", uuid: testUuid(100) })]);
    expect(await readdir(inbox.dir)).not.toContain("factura.xml");
    // Never deleted: moved, byte for byte.
    expect(await readFile(path.join(inbox.dir, "procesados", "factura.xml"), "utf8")).toBe(good);
    const [row] = await t.db.query<{ imported_by: number | null; username: string }>(
      "select c.imported_by, e.username from cfdi c join event_log e on e.details->>'uuid' = c.uuid where c.uuid = $1",
      [testUuid(100)],
    );
    expect(row).toEqual({ imported_by: null, username: "sistema" });
  });

  it("rejected files go to rechazados/ with <name>.motivo.txt holding the reason; a name already taken gets a suffix; other files are ignored", async () => {
    await writeFile(path.join(inbox.dir, "factura.xml"), fuelCfdi({ uuid: testUuid(100) })); // same UUID again
    await writeFile(path.join(inbox.dir, "roto.XML"), "<cfdi:Comprobante");
    await writeFile(path.join(inbox.dir, "notas.txt"), "no es XML");
    await writeFile(path.join(inbox.dir, ".oculto.xml"), "x");
    await symlink(path.join(inbox.dir, "notas.txt"), path.join(inbox.dir, "enlace.xml"));
    expect((await inbox.scan(NOW)).waiting.sort()).toEqual(["factura.xml", "roto.XML"]);
    const summary = await inbox.scan(NOW);
    expect(summary.imported).toEqual([]);
    expect(summary.rejected.map((r) => r.file).sort()).toEqual(["factura.xml", "roto.XML"]);
    expect(summary.rejected.find((r) => r.file === "factura.xml")!.reason).toBe(`UUID duplicado: el CFDI ${testUuid(100)} ya fue importado`);
    const rejected = (await readdir(path.join(inbox.dir, "rechazados"))).sort();
    expect(rejected).toEqual(["factura.xml", "factura.xml.motivo.txt", "roto.XML", "roto.XML.motivo.txt"]);
    expect(await readFile(path.join(inbox.dir, "rechazados", "factura.xml.motivo.txt"), "utf8")).toContain(`Motivo: UUID duplicado: el CFDI ${testUuid(100)} ya fue importado`);
    expect(await readFile(path.join(inbox.dir, "rechazados", "roto.XML.motivo.txt"), "utf8")).toMatch(/Motivo: .+/);
    expect((await readdir(inbox.dir)).sort()).toEqual([".oculto.xml", "enlace.xml", "notas.txt", "procesados", "rechazados"]);

    // The same name rejected again: kept beside the first one, never overwritten.
    await writeFile(path.join(inbox.dir, "roto.XML"), "<otra/>");
    await inbox.scan(NOW);
    await inbox.scan(NOW);
    expect((await readdir(path.join(inbox.dir, "rechazados"))).sort()).toEqual([
      "factura.xml",
      "factura.xml.motivo.txt",
      "roto-2.XML",
      "roto-2.XML.motivo.txt",
      "roto.XML",
      "roto.XML.motivo.txt",
    ]);
    expect(await readFile(path.join(inbox.dir, "rechazados", "roto-2.XML.motivo.txt"), "utf8")).toMatch(/no es un CFDI/);
  });

  it("the job is Job-shaped (30 s, runs at start) and its run() scans the folder", async () => {
    const job = cfdiInboxJob(t.db, { dataDir });
    expect(job).toMatchObject({ name: "carpeta de CFDI", everyMs: 30_000, runAtStart: true });
    await writeFile(path.join(dataDir, "cfdi-entrada", "otra.xml"), fuelCfdi({ uuid: testUuid(101) }));
    await job.run(NOW);
    const summary = (await job.run(NOW)) as { imported: Array<{ uuid: string }> };
    expect(summary.imported.map((i) => i.uuid)).toEqual([testUuid(101)]);
  });
});
