import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { AttributeIds, MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, type ClientSession } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModbusDriver, type ModbusDriver } from "../../../../collectors/drivers/modbus/modbus-driver";
import { buildCommand, ETX, parseInventoryResponse, type InventoryReport } from "../../../../collectors/drivers/veeder-root/parse";
import { startSiteSimulators, type SiteSimulators } from "../../../../collectors/simulators/index";
import { demoModbusCollectorConfig } from "../../../../collectors/simulators/modbus-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../../server/contracts/measurement";
import { createLogger } from "../../../../server/platform/logger";

/**
 * Issue #3, site-level faults over real sockets: power failure (A30-ALM-01 type 8, A30-ALM-05),
 * calibration expired (type 1, A30-MS-12) and emergency stop (type 11). One plant model behind the
 * OPC UA server, the Modbus TCP gateway and the Veeder-Root TLS console, on free loopback ports;
 * read with node-opcua, the repository's Modbus driver and the TLS protocol encoder/parser.
 */

const logger = createLogger("silent");
const HOST = "127.0.0.1";
const UPS_TAGS = ["EDS-0001/UCC/ups_on_battery", "TDA-0001/UCC/ups_on_battery"];
const ESTOP_TAGS = ["EDS-0001/UCC/emergency_stop", "TDA-0001/UCC/emergency_stop"];
const LEVEL_TAGS = DEMO_SITE.installations.flatMap((i) => i.tanks.map((t) => `${i.key}/${t.key}/level_mm`));
const STATION_LEVEL_TAGS = LEVEL_TAGS.filter((tag) => tag.startsWith("EDS-0001/"));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) waiting for ${what}`);
    await sleep(20);
  }
}

/** Whether a TCP connection to the port is accepted now. */
function tcpReachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** One i20100 inquiry over a fresh TCP connection. */
function tlsInventory(port: number): Promise<InventoryReport> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error("la consola no respondió"));
    });
    socket.once("error", reject);
    socket.once("connect", () => socket.write(buildCommand("201", 0)));
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf(ETX);
      if (end < 0) return;
      socket.destroy();
      const parsed = parseInventoryResponse(new Uint8Array(buffer.subarray(0, end + 1)), { units: "metric", functionCode: "i20100" });
      if (parsed.ok) resolve(parsed.value);
      else reject(new Error(parsed.error.message));
    });
  });
}

interface OpcuaProbe {
  read(tags: readonly string[]): Promise<unknown[]>;
  close(): Promise<void>;
}

async function openOpcua(sims: SiteSimulators, pkiDir: string): Promise<OpcuaProbe> {
  const client = OPCUAClient.create({
    applicationName: "AforoSiteFaultsTest",
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager: new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true }),
    connectionStrategy: { initialDelay: 100, maxDelay: 200, maxRetry: 0 },
    requestedSessionTimeout: 10_000,
  });
  await client.connect(sims.opcua.endpointUrl);
  let session: ClientSession | null = await client.createSession();
  return {
    async read(tags) {
      if (!session) throw new Error("sesión cerrada");
      const values = await session.read(tags.map((tag) => ({ nodeId: `ns=${sims.opcua.namespaceIndex};s=${tag}`, attributeId: AttributeIds.Value })));
      return values.map((v) => {
        if (!v.statusCode.isGood()) throw new Error(`${v.statusCode.name}`);
        return v.value.value as unknown;
      });
    },
    async close() {
      const current = session;
      session = null;
      // The server may be gone: do not wait for it.
      await Promise.race([(async () => {
        await current?.close().catch(() => undefined);
        await client.disconnect().catch(() => undefined);
      })(), sleep(2000)]);
    },
  };
}

describe("site simulators: power failure, calibration expired, emergency stop (A30-ALM-01 types 1, 8, 11; A30-ALM-05)", () => {
  const root = mkdtempSync(path.join(tmpdir(), "aforo-site-faults-"));
  let sims: SiteSimulators;
  let modbus: ModbusDriver;
  const readings: Array<Reading & { seq: number }> = [];
  let seq = 0;

  const latest = (tag: string): Reading | undefined => {
    for (let i = readings.length - 1; i >= 0; i -= 1) if (readings[i]!.tag === tag) return readings[i];
    return undefined;
  };
  const modbusShows = (tag: string, value: number): boolean => {
    const r = latest(tag);
    return r?.quality === QUALITY_GOOD && r.value === value;
  };

  beforeAll(async () => {
    sims = await startSiteSimulators({ site: DEMO_SITE, opcuaPort: 0, modbusPort: 0, tlsPort: 0, pkiDir: path.join(root, "sim-pki"), logger });
    const config = demoModbusCollectorConfig(DEMO_SITE, sims.modbus.port, { status: true, tanks: true, intervalMs: 100, timeoutMs: 300 });
    modbus = createModbusDriver({ config, logger, initialBackoffMs: 100, maxBackoffMs: 300 });
    await modbus.start((batch) => {
      for (const r of batch) readings.push({ ...r, seq: seq++ });
    });
    await waitFor(() => [...UPS_TAGS, ...ESTOP_TAGS].every((tag) => modbusShows(tag, 0)), 10_000, "Modbus status points");
  });

  afterAll(async () => {
    await modbus?.stop();
    await sims?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("publishes the status points in addition to the unchanged tank variables", () => {
    expect(sims.opcua.tags).toHaveLength(36);
    expect(sims.opcua.statusTags.map((t) => t.tag)).toEqual([
      ...DEMO_SITE.installations.flatMap((i) => i.tanks.map((t) => `${i.key}/${t.key}/calibration_valid`)),
      "EDS-0001/UCC/ups_on_battery",
      "EDS-0001/UCC/emergency_stop",
      "TDA-0001/UCC/ups_on_battery",
      "TDA-0001/UCC/emergency_stop",
    ]);
    expect(sims.opcua.statusTags[0]!.nodeId).toBe(`ns=${sims.opcua.namespaceIndex};s=EDS-0001/TQS-EDS-0001/calibration_valid`);
    expect(sims.modbus.map.status.devices.map((d) => `${d.unitId}:${d.key}`)).toEqual(["9:EDS-0001/UCC", "10:TDA-0001/UCC"]);
    expect(sims.powerState).toBe("mains");
  });

  it("power failure: the UPS point goes true first, every link goes dark for downMs, the plant stands still, then links and UPS return", async () => {
    const ports = { opcua: sims.opcua.port, modbus: sims.modbus.port, tls: sims.veederRoot.port };
    const reachable = async () => ({ opcua: await tcpReachable(ports.opcua), modbus: await tcpReachable(ports.modbus), tls: await tcpReachable(ports.tls) });
    expect(await reachable()).toEqual({ opcua: true, modbus: true, tls: true });
    await tlsInventory(ports.tls);

    const probe = await openOpcua(sims, path.join(root, "client-pki"));
    expect(await probe.read(UPS_TAGS)).toEqual([false, false]);
    const firstSeq = seq;
    const netMl = () => sims.opcua.model.state.tanks.map((t) => t.netVolumeMl);

    const outage = sims.powerFailure({ downMs: 1500, upsLeadMs: 500 });
    // 1. The UPS reports the mains loss while the links still answer.
    await waitFor(async () => (await probe.read(UPS_TAGS)).every((v) => v === true), 1000, "UPS en batería (OPC UA)");
    expect(sims.powerState).toBe("on-battery");
    const levelsBefore = (await probe.read(LEVEL_TAGS)) as number[];
    const netBefore = netMl();
    expect(await tcpReachable(ports.modbus)).toBe(true);
    expect(await tcpReachable(ports.tls)).toBe(true);
    await waitFor(() => UPS_TAGS.every((tag) => modbusShows(tag, 1)), 1000, "UPS en batería (Modbus)");

    // 2. Dark: nothing accepts a connection; the Modbus collector reports BAD.
    await waitFor(() => sims.powerState === "down", 2000, "apagón");
    const downAt = performance.now();
    await waitFor(async () => {
      const r = await reachable();
      return !r.opcua && !r.modbus && !r.tls;
    }, 1000, "los tres enlaces inalcanzables");
    await probe.close();
    await waitFor(() => readings.some((r) => r.seq >= firstSeq && r.quality === QUALITY_BAD), 1500, "lecturas BAD de Modbus");
    await sleep(400);
    expect(await reachable()).toEqual({ opcua: false, modbus: false, tls: false });
    expect(sims.powerState).toBe("down");
    expect(netMl()).toEqual(netBefore); // no motion while powered off (model state, exact)

    // 3. Power returns by itself after downMs.
    await outage;
    const darkMs = performance.now() - downAt;
    expect(darkMs).toBeGreaterThanOrEqual(1450);
    expect(sims.powerState).toBe("mains");
    expect(await reachable()).toEqual({ opcua: true, modbus: true, tls: true });
    // The clock jumped over the outage: simulated time is real time again.
    expect(Math.abs(sims.opcua.model.state.timeMs - Date.now())).toBeLessThan(2500);

    const after = await openOpcua(sims, path.join(root, "client-pki"));
    try {
      expect(await after.read(UPS_TAGS)).toEqual([false, false]);
      const levelsAfter = (await after.read(LEVEL_TAGS)) as number[];
      // Same levels as right before the outage, within the gauge noise (±0.3 mm) and a second of traffic.
      levelsAfter.forEach((level, i) => expect({ tag: LEVEL_TAGS[i], diff: Math.abs(level - levelsBefore[i]!) < 1.5 }).toEqual({ tag: LEVEL_TAGS[i], diff: true }));
    } finally {
      await after.close();
    }
    await waitFor(() => UPS_TAGS.every((tag) => modbusShows(tag, 0)), 5000, "UPS en red (Modbus)");
    await tlsInventory(ports.tls);

    // Order seen by the Modbus collector: UPS = 1 (GOOD) before the first BAD reading, then BAD, then GOOD again.
    const window = readings.filter((r) => r.seq >= firstSeq);
    const upsTrue = window.findIndex((r) => UPS_TAGS.includes(r.tag) && r.quality === QUALITY_GOOD && r.value === 1);
    const firstBad = window.findIndex((r) => r.quality === QUALITY_BAD);
    const upsFalseAfter = window.findIndex((r, i) => i > firstBad && UPS_TAGS.includes(r.tag) && r.quality === QUALITY_GOOD && r.value === 0);
    expect(upsTrue).toBeGreaterThanOrEqual(0);
    expect(firstBad).toBeGreaterThan(upsTrue);
    expect(upsFalseAfter).toBeGreaterThan(firstBad);

    await expect(sims.powerFailure({ downMs: -1 })).rejects.toThrow(RangeError);
  });

  it("calibration expired: the tank's OPC UA calibration_valid and its gauge's Modbus bit flip; the TLS status word carries no such bit", async () => {
    const tags = DEMO_SITE.installations.flatMap((i) => i.tanks.map((t) => `${i.key}/${t.key}/calibration_valid`));
    const target = "EDS-0001/TQS-EDS-0002/calibration_valid";
    const probe = await openOpcua(sims, path.join(root, "client-pki"));
    try {
      expect(await probe.read(tags)).toEqual(tags.map(() => true));
      await waitFor(() => tags.every((tag) => modbusShows(tag, 1)), 3000, "bits de calibración vigente");
      const statusBefore = (await tlsInventory(sims.veederRoot.port)).tanks.map((t) => t.status & ~0x1);

      sims.setCalibrationExpired("TQS-EDS-0002", true);
      expect(await probe.read(tags)).toEqual(tags.map((tag) => tag !== target));
      await waitFor(() => modbusShows(target, 0), 3000, "bit Modbus de calibración no vigente");
      expect(tags.filter((tag) => tag !== target).every((tag) => modbusShows(tag, 1))).toBe(true);
      // i201 status word: bits 1–3 are delivery, leak test, invalid fuel height — none means "calibration expired".
      expect((await tlsInventory(sims.veederRoot.port)).tanks.map((t) => t.status & ~0x1)).toEqual(statusBefore);

      sims.setCalibrationExpired("EDS-0001/TQS-EDS-0002", false);
      expect(await probe.read(tags)).toEqual(tags.map(() => true));
      await waitFor(() => modbusShows(target, 1), 3000, "bit Modbus de calibración vigente otra vez");
      expect(() => sims.setCalibrationExpired("TQS-NO-EXISTE", true)).toThrow(/tanque desconocido/);
    } finally {
      await probe.close();
    }
  });

  it("emergency stop: the UCC point shows it and the station's levels stop moving with sales until it is reset", async () => {
    const probe = await openOpcua(sims, path.join(root, "client-pki"));
    const sales: number[] = [];
    const unsubscribe = sims.opcua.model.onEvents((events) => {
      for (const e of events) if (e.type === "operation-start" && e.operation === "sale") sales.push(e.timeMs);
    });
    try {
      sims.emergencyStop(true);
      expect(await probe.read(ESTOP_TAGS)).toEqual([true, true]);
      await waitFor(() => ESTOP_TAGS.every((tag) => modbusShows(tag, 1)), 3000, "paro de emergencia (Modbus)");
      expect(sims.opcua.model.state.operations).toEqual([]);

      const stationNet = () => sims.opcua.model.state.tanks.filter((t) => t.spec.installationKey === "EDS-0001").map((t) => t.netVolumeMl);
      const levels0 = (await probe.read(STATION_LEVEL_TAGS)) as number[];
      const net0 = stationNet();
      const salesBefore = sales.length;
      sims.opcua.model.advance(3600); // a simulated hour of traffic while stopped
      const levels1 = (await probe.read(STATION_LEVEL_TAGS)) as number[];
      expect(sales.length).toBe(salesBefore);
      expect(stationNet()).toEqual(net0);
      levels1.forEach((level, i) => expect(Math.abs(level - levels0[i]!)).toBeLessThan(1));

      sims.emergencyStop(false);
      expect(await probe.read(ESTOP_TAGS)).toEqual([false, false]);
      await waitFor(() => ESTOP_TAGS.every((tag) => modbusShows(tag, 0)), 3000, "paro de emergencia restablecido (Modbus)");
      sims.opcua.model.advance(3600);
      const levels2 = (await probe.read(STATION_LEVEL_TAGS)) as number[];
      expect(sales.length).toBeGreaterThan(salesBefore);
      // Sales draw the station's tanks down again (no tanker is due: every tank is above 25 %).
      const drop = levels1.reduce((sum, level, i) => sum + level - levels2[i]!, 0);
      expect(drop).toBeGreaterThan(5);
    } finally {
      unsubscribe();
      await probe.close();
    }
  });
});
