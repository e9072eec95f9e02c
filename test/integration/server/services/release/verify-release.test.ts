import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { ALARM_TYPE } from "../../../../../server/domain/alarms/index";
import { EVENT_CATEGORY, TAMPER_EVENT_TYPE, verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { createLogger } from "../../../../../server/platform/logger";
import { writeReleaseManifest } from "../../../../../server/platform/release";
import {
  RELEASE_COMPONENT,
  currentRelease,
  registerRelease,
  releaseSummary,
  unregisterRelease,
  verifyReleaseAtStartup,
} from "../../../../../server/services/release/verify-release";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const REPO = path.resolve(__dirname, "../../../../..");
const T0 = new Date("2026-11-25T16:00:00.000Z");
const logger = createLogger("silent");

/** A copy of a few real shipped files: the tree the "image" ships. */
function copyTree(): string {
  const root = mkdtempSync(path.join(tmpdir(), "aforo-verify-release-"));
  for (const file of ["package.json", "server/platform/clock.ts", "server/platform/version.ts", "db/repositories/alarms.ts", "app/api/health/route.ts"]) {
    cpSync(path.join(REPO, file), path.join(root, file), { recursive: true });
  }
  return root;
}

async function releaseRecords(t: TestDatabase) {
  const entries = await t.db.query<{ id: number; category: number; event_type: number; component: string; description: string; details: Record<string, unknown> }>(
    "select id, category, event_type, component, description, details from event_log where component = $1 order by id",
    [RELEASE_COMPONENT],
  );
  const alarms = await t.db.query<{ id: number; type: number; sat_event_code: number; severity: string; description: string; event_log_id: number; details: Record<string, unknown> }>(
    "select id, type, sat_event_code, severity, description, event_log_id, details from alarms where component = $1 order by id",
    [RELEASE_COMPONENT],
  );
  return { entries, alarms };
}

describe.each(testEngines)("release integrity at start-up on %s (A30-SEC-14)", (engine) => {
  let t: TestDatabase;
  let root: string;

  // Each case starts from an empty bitácora and alarm register (append-only tables: a fresh database).
  beforeEach(async () => {
    root = copyTree();
    t = await openTestDatabase(engine);
    unregisterRelease();
  });
  afterEach(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
    unregisterRelease();
  });

  it("a matching manifest verifies and writes no entry and no alarm", async () => {
    const { manifest } = await writeReleaseManifest(root, "0.1.0", T0);
    const result = await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: T0, logger });
    expect(result).toMatchObject({ version: "0.1.0", hash: manifest.hash, manifest: "verified", changed: [], missing: [], added: [], eventLogId: null, alarmId: null });
    const { entries, alarms } = await releaseRecords(t);
    expect(entries).toEqual([]);
    expect(alarms).toEqual([]);
  });

  it("without a manifest reports absent and writes nothing", async () => {
    const result = await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: T0, logger });
    expect(result.manifest).toBe("absent");
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await releaseRecords(t)).toEqual({ entries: [], alarms: [] });
  });

  it("one modified file → exactly one bitácora entry and one type-3 alarm naming it; a second start adds nothing", async () => {
    const { manifest } = await writeReleaseManifest(root, "0.1.0", T0);
    writeFileSync(path.join(root, "server/platform/clock.ts"), "export const systemClock = { now: () => new Date(0) };\n");
    const result = await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: T0, logger });
    expect(result).toMatchObject({ manifest: "mismatch", changed: ["server/platform/clock.ts"], missing: [], added: [] });
    expect(result.hash).not.toBe(manifest.hash);

    const { entries, alarms } = await releaseRecords(t);
    expect(entries).toHaveLength(1);
    expect(alarms).toHaveLength(1);
    const [entry] = entries;
    const [alarm] = alarms;
    expect(entry!.category).toBe(EVENT_CATEGORY.software);
    expect(entry!.event_type).toBe(TAMPER_EVENT_TYPE);
    expect(entry!.description).toContain("Intento de alteración");
    expect(entry!.description).toContain("server/platform/clock.ts");
    expect(entry!.details).toMatchObject({ changed: ["server/platform/clock.ts"], missing: [], added: [], hash: result.hash, version: "0.1.0" });
    expect(alarm!.type).toBe(ALARM_TYPE.tamperAttempt);
    expect(alarm!.sat_event_code).toBe(13);
    expect(alarm!.severity).toBe("critical");
    expect(alarm!.description).toContain("server/platform/clock.ts");
    expect(Number(alarm!.event_log_id)).toBe(Number(entry!.id));
    expect(result.eventLogId).toBe(Number(entry!.id));
    expect(result.alarmId).toBe(Number(alarm!.id));

    // Restarting with the same altered tree while the alarm is open: nothing new.
    const again = await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: new Date(T0.getTime() + 60_000), logger });
    expect(again).toMatchObject({ manifest: "mismatch", eventLogId: null, alarmId: result.alarmId });
    const after = await releaseRecords(t);
    expect(after.entries).toHaveLength(1);
    expect(after.alarms).toHaveLength(1);

    // The entry is part of the hash chain like any other.
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000)).ok).toBe(true);
  });

  it("missing and added files are named too", async () => {
    await writeReleaseManifest(root, "0.1.0", T0);
    rmSync(path.join(root, "db/repositories/alarms.ts"));
    writeFileSync(path.join(root, "server/platform/backdoor.ts"), "export {};\n");
    const result = await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: T0, logger });
    expect(result).toMatchObject({ manifest: "mismatch", changed: [], missing: ["db/repositories/alarms.ts"], added: ["server/platform/backdoor.ts"] });
    const { entries, alarms } = await releaseRecords(t);
    expect(entries).toHaveLength(1);
    expect(alarms).toHaveLength(1);
    expect(entries[0]!.description).toContain("faltantes: db/repositories/alarms.ts");
    expect(entries[0]!.description).toContain("agregados: server/platform/backdoor.ts");
  });

  it("the registered result is what /api/health and the footer read", async () => {
    expect(currentRelease()).toBeNull();
    expect(releaseSummary()).toEqual({ hash: null, manifest: "unchecked" });
    const { manifest } = await writeReleaseManifest(root, "0.1.0", T0);
    registerRelease(await verifyReleaseAtStartup(t.db, { root, version: "0.1.0", now: T0, logger }));
    expect(currentRelease()?.manifest).toBe("verified");
    expect(releaseSummary()).toEqual({ hash: manifest.hash, manifest: "verified" });
  });
});
