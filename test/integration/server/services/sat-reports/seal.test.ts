import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { reportVerifyCommand } from "../../../../../server/cli/report-verify";
import { EXIT_OK } from "../../../../../server/cli/output";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { installCertificate, type CsdActor } from "../../../../../server/services/csd/index";
import { seedDemoWithHistory } from "../../../../../server/services/demo/index";
import { verifyEventLog } from "../../../../../server/services/event-log/verify-integrity";
import { getReportDetail, listReports, markSent, readReportFile, recordDownload } from "../../../../../server/services/sat-reports/downloads";
import { generateReport } from "../../../../../server/services/sat-reports/generate";
import { loadReportPackage, REPORT_NO_CSD_MESSAGE, ReportSealError, sealReport, verifyStoredReport } from "../../../../../server/services/sat-reports/seal";
import { certificatePem, FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Issue #6 items 9–10 (A30-RPT-02/03): a generated report is stored with its ZIP and SHA-256,
 * sealed with the active CSD as a detached CMS signature that openssl and `aforo report verify`
 * accept, stays unsealed with a clear message without a CSD, never changes once stored (a
 * regeneration is a new version), and downloads / sending are bitácora entries. Fixed clock before
 * the end of the test CSD's validity (2027-05-18).
 */
const NOW = new Date("2026-11-20T18:00:00Z");
const REPORT_DATE = "2026-11-19";
const KEY = "a1b2c3d4e5f60718".repeat(4);
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe.each(testEngines)("SAT report storage, seal and downloads on %s (issue #6 items 9–10)", (engine) => {
  let t: TestDatabase;
  let dir: string;
  let admin: CsdActor;
  let v1: { id: number; zip: Buffer; json: Buffer; row: string };

  const eventCount = async () => Number((await t.db.query<{ n: string | number }>("select count(*) as n from event_log"))[0]!.n);
  const rowText = async (id: number) =>
    (await t.db.query<{ r: string }>("select concat_ws('|', kind, installation_id, period_start, file_name, sha256, content::text, version, created_at) as r from generated_reports where id = $1", [id]))[0]!.r;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    const history = await seedDemoWithHistory(t.db, DEMO_SITE, { now: NOW });
    if (!history) throw new Error("a fresh demo database must get a history");
    const [row] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    admin = { id: Number(row!.id), username: "admin", role: "administrador" };
    dir = mkdtempSync(path.join(tmpdir(), "aforo-report-seal-"));
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("without an active CSD: the report is stored with its ZIP, unsealed, with «no hay un CSD activo»", async () => {
    const generated = await generateReport(t.db, { kind: "daily", installationKey: "EDS-0001", date: REPORT_DATE }, { id: admin.id, username: "admin" }, at(1), KEY);
    expect(generated).toMatchObject({ version: 1, sealed: false, noCertificado: null, warning: REPORT_NO_CSD_MESSAGE });
    expect(generated.warning).toContain("no hay un CSD activo: instale el certificado en «Certificados»");
    const [row] = await t.db.query<{ status: string; signature_base64: string | null; sha256: string }>("select status, signature_base64, sha256 from generated_reports where id = $1", [generated.reportId]);
    expect(row).toMatchObject({ status: "draft", signature_base64: null, sha256: generated.sha256Json });
    await expect(sealReport(t.db, generated.reportId, at(2), KEY)).rejects.toMatchObject({ code: "no_csd", message: REPORT_NO_CSD_MESSAGE });
    expect((await t.db.query<{ status: string }>("select status from generated_reports where id = $1", [generated.reportId]))[0]!.status).toBe("draft");
    const check = await verifyStoredReport(t.db, generated.reportId);
    expect(check).toMatchObject({ ok: false, sealed: false, hashOk: true, signatureOk: null, reason: "Reporte sin sellar" });

    const pkg = await loadReportPackage(t.db, generated.reportId);
    expect(sha256(pkg!.zip)).toBe(generated.sha256Zip);
    const json = await readReportFile(t.db, generated.reportId, "json");
    if (!json.ok) throw new Error(json.error);
    expect(sha256(json.value.bytes)).toBe(generated.sha256Json);
    expect(json.value.fileName).toBe(generated.fileName.replace(/\.zip$/, ".json"));
    expect(await readReportFile(t.db, generated.reportId, "sig")).toMatchObject({ ok: false, status: 409 });
    v1 = { id: generated.reportId, zip: pkg!.zip, json: json.value.bytes, row: await rowText(generated.reportId) };
  });

  it("with the demo CSD installed: a regeneration is version 2, sealed; verifyStoredReport, openssl cms -verify and `aforo report verify` accept it; version 1 is unchanged", async () => {
    const installed = await installCertificate(t.db, admin, pair("ekuCsd"), FIXTURE_PASSWORD, at(3), KEY);
    if (!installed.ok) throw new Error(installed.error);
    const before = await eventCount();
    const generated = await generateReport(t.db, { kind: "daily", installationKey: "EDS-0001", date: REPORT_DATE }, { id: admin.id, username: "admin" }, at(4), KEY);
    expect(generated).toMatchObject({ version: 2, sealed: true, noCertificado: "30001000000500003416", isTest: true, warning: null });
    // Generation + seal: two bitácora entries.
    expect(await eventCount()).toBe(before + 2);
    const [sealEntry] = await t.db.query<{ description: string }>("select description from event_log order by id desc limit 1");
    expect(sealEntry!.description).toContain("Sellado del reporte diario SAT de EDS-0001 del 2026-11-19 (versión 2) con el CSD 30001000000500003416");

    const check = await verifyStoredReport(t.db, generated.reportId);
    expect(check).toMatchObject({ ok: true, sealed: true, hashOk: true, signatureOk: true, noCertificado: "30001000000500003416", reason: null });

    const zip = await readReportFile(t.db, generated.reportId, "zip");
    const sig = await readReportFile(t.db, generated.reportId, "sig");
    if (!zip.ok || !sig.ok) throw new Error("zip/sig not readable");
    expect(zip.value.fileName).toBe(generated.fileName);
    expect(sig.value.fileName).toBe(`${generated.fileName}.p7s`);
    const zipFile = path.join(dir, zip.value.fileName);
    const sigFile = path.join(dir, sig.value.fileName);
    const pemFile = path.join(dir, "csd.pem");
    writeFileSync(zipFile, zip.value.bytes);
    writeFileSync(sigFile, sig.value.bytes);
    writeFileSync(pemFile, certificatePem(pair("ekuCsd").cer));
    const run = spawnSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", sigFile, "-content", zipFile, "-certfile", pemFile, "-noverify", "-out", "/dev/null"], { encoding: "utf8" });
    expect(run.stderr).toContain("Verification successful");
    expect(run.status).toBe(0);
    expect(await reportVerifyCommand.run!({}, [zipFile, sigFile])).toBe(EXIT_OK);

    // Version 1: same row, same ZIP and JSON bytes.
    expect(await rowText(v1.id)).toBe(v1.row);
    expect(Buffer.compare((await loadReportPackage(t.db, v1.id))!.zip, v1.zip)).toBe(0);
    const json1 = await readReportFile(t.db, v1.id, "json");
    expect(json1.ok && Buffer.compare(json1.value.bytes, v1.json)).toBe(0);
    const [v2row] = await t.db.query<{ supersedes_id: number }>("select supersedes_id from generated_reports where id = $1", [generated.reportId]);
    expect(Number(v2row!.supersedes_id)).toBe(v1.id);
  });

  it("sealing version 1 later changes only its seal columns; sealing twice is refused", async () => {
    const sealed = await sealReport(t.db, v1.id, at(5), KEY, { id: admin.id, username: "admin" });
    expect(sealed.noCertificado).toBe("30001000000500003416");
    expect(await rowText(v1.id)).toBe(v1.row);
    expect(Buffer.compare((await loadReportPackage(t.db, v1.id))!.zip, v1.zip)).toBe(0);
    expect((await verifyStoredReport(t.db, v1.id))!.ok).toBe(true);
    await expect(sealReport(t.db, v1.id, at(6), KEY)).rejects.toBeInstanceOf(ReportSealError);
    await expect(sealReport(t.db, v1.id, at(6), KEY)).rejects.toMatchObject({ code: "not_sealable" });
  });

  it("each download and the sending are one bitácora entry; list and preview", async () => {
    const before = await eventCount();
    const id = await recordDownload(t.db, { id: admin.id, username: "admin" }, v1.id, "zip", at(7));
    expect(await eventCount()).toBe(before + 1);
    const [entry] = await t.db.query<{ description: string; username: string; category: number }>("select description, username, category from event_log where id = $1", [id]);
    expect(entry).toMatchObject({ username: "admin", category: 5 });
    expect(entry!.description).toBe("Descarga de reporte: ZIP del reporte diario SAT de EDS-0001 del 2026-11-19 (versión 1)");
    const sentId = await markSent(t.db, { id: admin.id, username: "admin" }, v1.id, at(8), "acuse 123");
    expect(await eventCount()).toBe(before + 2);
    const [sent] = await t.db.query<{ description: string }>("select description from event_log where id = $1", [sentId]);
    expect(sent!.description).toMatch(/^Envío al SAT del reporte diario SAT de EDS-0001 del 2026-11-19 \(versión 1\): D_.*\.zip\. Nota: acuse 123$/);
    expect(await markSent(t.db, { id: admin.id, username: "admin" }, 999_999, at(8))).toBeNull();

    const list = await listReports(t.db);
    expect(list.map((r) => [r.version, r.sealed, r.superseded, r.hasPackage])).toEqual([
      [2, true, false, true],
      [1, true, true, true],
    ]);
    const detail = await getReportDetail(t.db, list[0]!.id);
    expect(detail!.preview.installationKey).toBe("EDS-0001");
    expect(detail!.preview.products.length).toBeGreaterThan(0);
    expect(detail!.preview.bitacoraCount).toBeGreaterThan(0);
    const totals = detail!.preview.products.reduce((a, p) => a + p.deliveries.count, 0);
    expect(totals).toBeGreaterThan(100);
    for (const p of detail!.preview.products) expect(p.recordCount).toBe(p.receptions.count + p.deliveries.count);
    expect((await verifyEventLog(t.db)).ok).toBe(true);
  });

  it("a stored package altered behind Aforo's back fails verifyStoredReport", async () => {
    const [v2] = await listReports(t.db);
    await t.db.query("update attachments set content = content || '\\x00'::bytea where category = 'sat_report_zip' and subject_id = $1", [String(v2!.id)]);
    const check = await verifyStoredReport(t.db, v2!.id);
    expect(check).toMatchObject({ ok: false, hashOk: false, signatureOk: false });
    expect(check!.reason).toContain("SHA-256 del ZIP");
  });
});
