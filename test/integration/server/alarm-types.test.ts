import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { seedDemo } from "../../../db/seed/demo";
import { parseCollectorFile } from "../../../collectors/config";
import { storeSpoolRecords } from "../../../collectors/forwarder/forwarder";
import { startCollectorRuntime, type CollectorRuntime } from "../../../collectors/runtime";
import { startOpcuaSiteServer, type OpcuaSiteServer } from "../../../collectors/simulators/index";
import { decodeRecord, encodeRecord } from "../../../collectors/spool/record";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import type { Reading } from "../../../server/contracts/measurement";
import { createLogger } from "../../../server/platform/logger";
import { escalateUnattendedFaults } from "../../../server/services/alarms/escalation";
import { recordRejectedLogin } from "../../../server/services/alarms/rejected-login";
import { recordBatchAnomaly } from "../../../server/services/communication/record-batch-anomaly";
import { createDiagnosticsService, type StatfsFn } from "../../../server/services/diagnostics/index";
import { processTamperAttempts } from "../../../server/services/event-log/index";
import { runCutForDate } from "../../../server/services/inventory/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

/**
 * A30-ALM-01 acceptance: one test per alarm type; each injects the condition through the real code
 * path (services, collector runtime, real OPC UA simulator over a real socket, real database) and
 * finds exactly ONE new alarm of that type. The simulated plant is the storage terminal alone
 * (TDA-0001), so its UCC's UPS and emergency-stop points belong to one installation.
 */
const mx = (local: string) => new Date(`${local}-06:00`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TERMINAL = DEMO_SITE.installations.find((i) => i.key === "TDA-0001")!;
const site = { ...DEMO_SITE, installations: [TERMINAL] };

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`tiempo agotado (${timeoutMs} ms) esperando ${what}`);
    await sleep(100);
  }
}

describe.each(testEngines)("the twelve alarm types on %s (A30-ALM-01)", (engine) => {
  let t: TestDatabase;
  let opcua: OpcuaSiteServer;
  let runtime: CollectorRuntime;
  let databaseDown = false;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-alarm-types-"));
  const logger = createLogger("silent");

  type AlarmRow = { id: number; component: string; description: string; details: Record<string, unknown> | null; related_alarm_id: number | null; occurred_at: Date };
  const alarmsOfType = async (type: number): Promise<AlarmRow[]> =>
    (await t.db.query<AlarmRow>("select id, component, description, details, related_alarm_id, occurred_at from alarms where type = $1 order by id", [type])).map((a) => ({
      ...a,
      id: Number(a.id),
      related_alarm_id: a.related_alarm_id === null ? null : Number(a.related_alarm_id),
      occurred_at: new Date(a.occurred_at),
    }));

  /**
   * Runs `inject`, waits for the alarm register to show a new alarm of `type`, lets the system
   * settle (repeated values, retries) and returns the new alarms of that type — expected: one.
   */
  async function newAlarms(type: number, inject: () => Promise<unknown> | unknown, options: { timeoutMs?: number; settleMs?: number } = {}): Promise<AlarmRow[]> {
    const before = new Set((await alarmsOfType(type)).map((a) => a.id));
    await inject();
    await waitUntil(async () => (await alarmsOfType(type)).length > before.size, options.timeoutMs ?? 20_000, `una alarma de tipo ${type}`);
    await sleep(options.settleMs ?? 800);
    return (await alarmsOfType(type)).filter((a) => !before.has(a.id));
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    // The installations exist from the start of the 2026-11-01 period (daily cut below).
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    opcua = await startOpcuaSiteServer({ site, port: 0, statusPoints: true, pkiDir: path.join(dataDir, "sim-pki"), logger });
    // The collector's database: the real one, unreachable while `databaseDown` (type 7).
    const refuse = (): void => {
      if (databaseDown) throw new Error("connect ECONNREFUSED 127.0.0.1:5432 (base de datos inalcanzable)");
    };
    const collectorDb: Database = {
      ...t.db,
      query: async (text, params) => {
        refuse();
        return t.db.query(text, params);
      },
      transaction: async (fn) => {
        refuse();
        return t.db.transaction(fn);
      },
    };
    const file = parseCollectorFile(
      {
        collectorKey: "ALM-TEST",
        links: [
          {
            kind: "opcua",
            installationKey: "TDA-0001",
            component: "CANAL:OPCUA-TDA-0001",
            endpointUrl: opcua.endpointUrl,
            securityMode: "SignAndEncrypt",
            securityPolicy: "Basic256Sha256",
            pkiDir: path.join(dataDir, "collector-pki"),
            tags: [...opcua.tags, ...opcua.statusTags.map((s) => ({ ...s, queueSize: 10 }))],
          },
        ],
        pipeline: { enabled: false },
      },
      { dataDir },
    );
    runtime = await startCollectorRuntime({ db: collectorDb, file, dataDir, logger, trustOnFirstUse: true, networkWatchMs: 200, maxRetryDelayMs: 300 });
    // Link up and every status point seen once (6 tanks' calibration_valid + UPS + emergency stop).
    await waitUntil(() => runtime.deviceStatus.observed >= 8, 30_000, "los puntos de estado");
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await opcua?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("type 1 — the tank gauge reports its calibration invalid → one 'Calibración no válida' on that tank", async () => {
    const alarms = await newAlarms(1, () => opcua.model.setCalibrationExpired("TDA-0001", "TQS-TDA-0003", true));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ component: "TQS-TDA-0003" });
  });

  it("type 2 — an A30-INC-01 finding at the daily cut → one 'Inconsistencias volumétricas'", async () => {
    // A30-INC-01 example #2: opening 10,100 L, +20,000, −11,800 → book 18,300; measured 18,180 (0.656 % > 0.5 %).
    const [ids] = await t.db.query<{ installation_id: number; tank_id: number; ms_id: number; product_key: string }>(
      "select t.installation_id, t.id as tank_id, ms.id as ms_id, t.product_key from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key = 'TQS-EDS-0001'",
    );
    const reading = (local: string, netL: number) =>
      t.db.query("insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source) values ($1, $2, $3, $4, 20, 'prueba')", [ids!.tank_id, ids!.ms_id, mx(local).toISOString(), netL]);
    const operation = (number: number, type: string, endLocal: string, volume: string) =>
      t.db.query(
        `insert into operations (installation_id, number, type, element_type, tank_id, measurement_system_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin, counterparty_rfc)
         values ($1, $2, $3, 'tank', $4, $5, $6, $7, $8, $9, 'UM03', 20, 'automatic', 'AAA010101AAA')`,
        [ids!.installation_id, number, type, ids!.tank_id, ids!.ms_id, ids!.product_key, new Date(mx(endLocal).getTime() - 1_800_000).toISOString(), mx(endLocal).toISOString(), volume],
      );
    await reading("2026-11-01T00:00:00", 10100);
    await operation(1, "reception", "2026-11-01T09:55:00", "20000.000");
    await operation(2, "delivery", "2026-11-01T12:00:00", "11800.000");
    await reading("2026-11-02T00:00:00", 18180);
    const alarms = await newAlarms(2, () => runCutForDate(t.db, "EDS-0001", "2026-11-01", mx("2026-11-02T00:01:00")), { settleMs: 0 });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ component: "TQS-EDS-0001" });
  });

  it("type 3 — an UPDATE on the bitácora, then the tamper job → one 'Intento de alteración de registros'", async () => {
    const [first] = await t.db.query<{ id: number }>("select min(id) as id from event_log");
    const alarms = await newAlarms(
      3,
      async () => {
        await t.db.query("update event_log set description = 'alterado' where id = $1", [first!.id]);
        await processTamperAttempts(t.db, new Date());
      },
      { settleMs: 0 },
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe(`event_log:${first!.id}`);
  });

  const batch = (sequence: number, readings: Reading[]) => ({ ...decodeRecord(encodeRecord(sequence, readings)), count: readings.length });
  const batchReadings = (from: number, n: number): Reading[] =>
    Array.from({ length: n }, (_, i) => ({ tag: "TDA-0001/TQS-TDA-0001/level_mm", time: new Date(Date.UTC(2026, 10, 20, 0, 0, from + i)), value: 1000 + i, quality: 0 as const }));

  it("type 4 — the same collector batch forwarded twice → stored once, one 'Registros incompletos o duplicados'", async () => {
    const record = batch(70_000, batchReadings(0, 20));
    expect((await storeSpoolRecords(t.db, "ALM-REPLAY", [record])).replays).toEqual([]);
    const alarms = await newAlarms(
      4,
      async () => {
        const outcome = await storeSpoolRecords(t.db, "ALM-REPLAY", [record]);
        // What the collector runtime's `onReplay` does with each replayed batch.
        for (const replay of outcome.replays) await recordBatchAnomaly(t.db, { kind: "replay", collectorKey: "ALM-REPLAY", sequence: Number(replay.sequence), installationKey: "TDA-0001", detail: { ...replay } }, new Date());
      },
      { settleMs: 0 },
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("CANAL:ALM-REPLAY");
    expect(await t.db.query("select 1 from measurements where tag = 'TDA-0001/TQS-TDA-0001/level_mm' and time < '2026-11-21'")).toHaveLength(20);
  });

  it("type 5 — the OPC UA server goes down → one 'Problemas de comunicación' on the link", async () => {
    const alarms = await newAlarms(5, () => opcua.stopEndpoint(), { timeoutMs: 30_000, settleMs: 1500 });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("CANAL:OPCUA-TDA-0001");
    // Back up (the following tests read through the link again): a resumption record closes it.
    const resumptions = await newAlarms(12, () => opcua.startEndpoint(), { timeoutMs: 40_000, settleMs: 0 });
    expect(resumptions.map((r) => r.component)).toEqual(["CANAL:OPCUA-TDA-0001"]);
  }, 90_000);

  it("type 6 — a full disk seen by the diagnostics' statfs → one 'Falla del medio de almacenamiento'", async () => {
    const fullDisk: StatfsFn = async () => ({ bavail: 4, blocks: 100, bsize: 4096 });
    const diagnostics = createDiagnosticsService({ db: t.db, dataDir: ".", logger, statfs: fullDisk });
    const alarms = await newAlarms(6, () => diagnostics.runOnce(new Date()), { settleMs: 0 });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("UCC:disk");
  });

  it("type 7 — the collector loses the database (network) → one 'Falla en la red de comunicación', recorded when it is back", async () => {
    const alarms = await newAlarms(
      7,
      async () => {
        databaseDown = true;
        await sleep(2500);
        databaseDown = false;
      },
      { timeoutMs: 20_000 },
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("RED:ALM-TEST");
  });

  it("type 8 — the UPS reports 'on battery' → one 'Falla de energía' on the UCC", async () => {
    const alarms = await newAlarms(8, () => opcua.model.setUpsOnBattery(true));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("UCC");
  });

  it("type 9 — a batch with a known sequence and another checksum → one 'Error en la transmisión de información'", async () => {
    await storeSpoolRecords(t.db, "ALM-CORRUPT", [batch(80_000, batchReadings(100, 10))]);
    const alarms = await newAlarms(
      9,
      async () => {
        const outcome = await storeSpoolRecords(t.db, "ALM-CORRUPT", [batch(80_000, batchReadings(200, 10))]);
        // What the collector runtime's `onChecksumMismatch` does.
        for (const m of outcome.mismatches) await recordBatchAnomaly(t.db, { kind: "checksum-mismatch", collectorKey: "ALM-CORRUPT", sequence: Number(m.sequence), installationKey: "TDA-0001", detail: { ...m } }, new Date());
      },
      { settleMs: 0 },
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("CANAL:ALM-CORRUPT");
  });

  it("type 10 — a log-in with a wrong password → one 'Rechazos de inicio de sesión'", async () => {
    const alarms = await newAlarms(10, () => recordRejectedLogin(t.db, { username: "admin", ip: "10.1.2.3" }, new Date()), { settleMs: 0 });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.description).toContain('"admin"');
  });

  it("type 11 — the emergency-stop input is set → one 'Paro de emergencia' on the UCC", async () => {
    const alarms = await newAlarms(11, () => opcua.model.setEmergencyStop(true));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("UCC");
  });

  it("type 12 — a fault not attended within 72 h (injected clock) → one 'Falla no atendida en 72 h'", async () => {
    const fault = mx("2026-11-01T10:00:00");
    await recordBatchAnomaly(t.db, { kind: "checksum-mismatch", collectorKey: "ALM-OLD", sequence: 1, installationKey: "TDA-0001" }, fault);
    const [original] = await t.db.query<{ id: number }>("select id from alarms where component = 'CANAL:ALM-OLD'");
    expect((await escalateUnattendedFaults(t.db, new Date(fault.getTime() + 72 * 3_600_000 - 1000))).escalated).toEqual([]);
    const alarms = await newAlarms(12, () => escalateUnattendedFaults(t.db, new Date(fault.getTime() + 72 * 3_600_000)), { settleMs: 0 });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.related_alarm_id).toBe(Number(original!.id));
  });
});
