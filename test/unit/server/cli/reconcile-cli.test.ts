import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * A30-INC-07: the real `aforo reconcile --scenario FILE` (server/cli/bin.mjs → tsx → main.ts, as
 * the other CLI tests run it), no database: each worked example of A30-INC-01…05 encoded as a
 * scenario file in test/fixtures/reconcile produces exactly the listed findings, exit 1 with a
 * finding and 0 without; bad scenarios exit 2 with a message naming the field.
 */
const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../../../server/cli/bin.mjs");
const FIXTURES = path.resolve(__dirname, "../../../fixtures/reconcile");
const scratch = mkdtempSync(path.join(tmpdir(), "aforo-reconcile-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Output {
  findings: { rule: string; date: string; tank: string; bookL: number; measuredL: number | null; differenceL: number | null; differencePct: number | null; detail: string }[];
  alarms: { type: string; component: string; date: string }[];
  header?: string[];
  error?: string;
}

async function reconcile(file: string): Promise<{ code: number; out: Output }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, "reconcile", "--scenario", file], { timeout: 60_000, env: { ...process.env, DATABASE_URL: "" } });
    return { code: 0, out: JSON.parse(stdout) as Output };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) as Output };
  }
}
const fixture = (name: string) => path.join(FIXTURES, `${name}.json`);
const summary = (out: Output) => out.findings.map((f) => [f.rule, f.date, f.tank, f.bookL, f.measuredL, f.differenceL, f.differencePct]);

const CASES: { name: string; title: string; findings: (string | number | null)[][] }[] = [
  { name: "inc01-ex1-within-tolerance", title: "A30-INC-01 #1 (= A30-INV-03/04): 18,250 vs 18,300 → 0.2732 % → none", findings: [] },
  { name: "inc01-ex2-finding", title: "A30-INC-01 #2: 18,180 vs 18,300 → −120 L, 0.6557 %", findings: [["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 18300, 18180, -120, 0.6557]] },
  { name: "inc01-ex3-boundary-exact", title: "A30-INC-01 #3: exactly 0.5000 % → none", findings: [] },
  { name: "inc01-ex3-boundary-over", title: "A30-INC-01 #3: 19,899.980 → 0.5001 %", findings: [["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 20000, 19899.98, -100.02, 0.5001]] },
  { name: "inc01-ex4-losses-within", title: "A30-INC-01 #4: losses 150, 18,100 → 0.2755 % → none", findings: [] },
  { name: "inc01-ex4-losses-finding", title: "A30-INC-01 #4: losses 150, 18,050 → 0.5510 %", findings: [["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 18150, 18050, -100, 0.551]] },
  { name: "inc01-ex5-gas-exact", title: "A30-INC-01 #5 gas: exactly 1.0 % → none", findings: [] },
  { name: "inc01-ex5-gas-finding", title: "A30-INC-01 #5 gas: 59,350 → 1.0833 %", findings: [["A30-INC-01", "2026-11-01", "TQS-TDA-0006", 60000, 59350, -650, 1.0833]] },
  { name: "inc01-ex6-book-zero-equal", title: "A30-INC-01 #6: book 0, measured 0 → none", findings: [] },
  { name: "inc01-ex6-book-zero-finding", title: "A30-INC-01 #6: book 0, measured 5 → finding, pct null", findings: [["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 0, 5, 5, null]] },
  {
    name: "inc02-unchanged-with-delivery",
    title: "A30-INC-02: 15,000 → 15,000 with an 800 L delivery → finding (and rule 01: 5.6338 %)",
    findings: [
      ["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 14200, 15000, 800, 5.6338],
      ["A30-INC-02", "2026-11-01", "TQS-EDS-0001", 14200, 15000, 800, 5.6338],
    ],
  },
  { name: "inc02-unchanged-no-movements", title: "A30-INC-02: same stocks without movements → none", findings: [] },
  { name: "inc02-changed-by-0.001", title: "A30-INC-02: 15,000.001 with a delivery → no rule 02 (rule 01 evaluated normally)", findings: [["A30-INC-01", "2026-11-01", "TQS-EDS-0001", 14200, 15000.001, 800.001, 5.6338]] },
  {
    name: "inc03-negative",
    title: "A30-INC-03: −12.5 L on SME-STQ-EDS-0021 → finding (and rule 05)",
    findings: [
      ["A30-INC-03", "2026-11-01", "SME-STQ-EDS-0021", -12.5, -12.5, 0, 0],
      ["A30-INC-05", "2026-11-01", "SME-STQ-EDS-0021", -12.5, -12.5, 0, 0],
    ],
  },
  { name: "inc03-zero", title: "A30-INC-03: 0.000 L → none", findings: [] },
  { name: "inc04-changed-no-movements", title: "A30-INC-04: 15,000 → 14,985 without movements → finding (−15)", findings: [["A30-INC-04", "2026-11-01", "TQS-EDS-0001", 15000, 14985, -15, 0.1]] },
  { name: "inc04-unchanged-no-movements", title: "A30-INC-04: unchanged without movements → none", findings: [] },
  { name: "inc04-deadband-20", title: "A30-INC-04: dead-band 20 L → none, printed in the header", findings: [] },
  {
    name: "inc05-deliveries-exceed",
    title: "A30-INC-05: 7,200 > 2,000 + 5,000 → finding (and rule 01 on book −200)",
    findings: [
      ["A30-INC-01", "2026-11-01", "TQS-EDS-0001", -200, 0, 200, 100],
      ["A30-INC-05", "2026-11-01", "TQS-EDS-0001", -200, 0, 200, 100],
    ],
  },
  { name: "inc05-deliveries-equal", title: "A30-INC-05: 7,000 = 2,000 + 5,000 → none", findings: [] },
  { name: "tz-cut-0600-last-minute", title: "A30-INV-02: cut 06:00 America/Mexico_City, 05:59 next day belongs to the day", findings: [] },
  { name: "multi-day-chain", title: "A30-INV-03: three chained days, day 3 loses 20 L without movements → rule 04", findings: [["A30-INC-04", "2026-11-03", "TQS-EDS-0001", 14000, 13980, -20, 0.1429]] },
  { name: "month-drift-november", title: "A30-INC-01 monthly: −40 L/day within daily tolerance → 12 % over November", findings: [["A30-INC-01", "2026-11", "TQS-EDS-0001", 10000, 8800, -1200, 12]] },
];

// Each case spawns the CLI (~1 s of tsx start-up): generous timeout for a busy machine.
describe("aforo reconcile --scenario (A30-INC-07, design.md §3)", { timeout: 60_000 }, () => {
  it.each(CASES)("$title", async ({ name, findings }) => {
    const { code, out } = await reconcile(fixture(name));
    expect(summary(out)).toEqual(findings);
    expect(code).toBe(findings.length > 0 ? 1 : 0);
    // A30-INC-06: one type-2 alarm per finding, naming the component and date.
    expect(out.alarms).toEqual(out.findings.map((f) => ({ type: "2", component: f.tank, date: f.date })));
    expect(Object.keys(out).slice(0, 2)).toEqual(["findings", "alarms"]);
    for (const f of out.findings) expect(Object.keys(f)).toEqual(["rule", "date", "tank", "bookL", "measuredL", "differenceL", "differencePct", "detail"]);
  });

  it("A30-INC common text: the configured dead-band is printed ('banda muerta regla 04: 20 L')", async () => {
    const { out } = await reconcile(fixture("inc04-deadband-20"));
    expect(out.header).toContain("banda muerta regla 04: 20 L");
  });

  it.each([
    ["bad-unknown-tank", /tanque desconocido TQS-EDS-9999/],
    ["bad-date", /fecha inválida.*\n.*days\[0\]\.date/],
    ["bad-negative-volume", /volumeL: no puede ser negativo[\s\S]*receptions\[0\]\.volumeL/],
    ["bad-tz-cut-0600-next-period", /fuera del periodo del 2026-11-01/],
  ])("bad input %s → exit 2 with a message naming the field", async (name, message) => {
    const { code, out } = await reconcile(fixture(name));
    expect(code).toBe(2);
    expect(out.error).toMatch(message);
  });

  it("a missing file, malformed JSON, a missing flag, a day out of order or a tank missing from a day → exit 2", async () => {
    const missing = await reconcile(path.join(scratch, "no-existe.json"));
    expect(missing.code).toBe(2);
    expect(missing.out.error).toContain("no se pudo leer el escenario");
    const malformed = path.join(scratch, "malformed.json");
    writeFileSync(malformed, "{ installation: ");
    expect((await reconcile(malformed)).code).toBe(2);
    const gap = path.join(scratch, "gap.json");
    const day = (date: string) => ({ date, tanks: { "TQS-EDS-0001": { measuredClosingL: 1 } } });
    writeFileSync(gap, JSON.stringify({ installation: "EDS-0001", state: "liquid", cutHour: "00:00", tanks: [{ key: "TQS-EDS-0001", product: "PR07" }], days: [day("2026-11-01"), day("2026-11-03")], openingMeasuredL: { "TQS-EDS-0001": 1 } }));
    const gapRun = await reconcile(gap);
    expect(gapRun.code).toBe(2);
    expect(gapRun.out.error).toContain("consecutivos");
    const absent = path.join(scratch, "absent.json");
    writeFileSync(absent, JSON.stringify({ installation: "EDS-0001", state: "liquid", cutHour: "24:00", tanks: [{ key: "TQS-EDS-0001", product: "PR07" }, { key: "TQS-EDS-0002", product: "PR03" }], days: [day("2026-11-01")], openingMeasuredL: { "TQS-EDS-0001": 1, "TQS-EDS-0002": 1 } }));
    const absentRun = await reconcile(absent);
    expect(absentRun.code).toBe(2);
    expect(absentRun.out.error).toContain("falta el corte del tanque TQS-EDS-0002 en 2026-11-01");
    expect(absentRun.out.error).toContain("cutHour");
    const noFlag = await run(process.execPath, [BIN, "reconcile"]).catch((e: { code: number; stdout: string }) => e);
    expect((noFlag as { code: number }).code).toBe(2);
    expect(JSON.parse((noFlag as { stdout: string }).stdout).error).toContain("falta --scenario");
  });
});
