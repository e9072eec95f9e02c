import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverStatus } from "../../../../collectors/drivers/driver";
import { createOpcuaDriver, importTrustedCertificate, type OpcuaOutage } from "../../../../collectors/drivers/opcua/index";
import { siteOpcuaTags, startOpcuaSiteServer, type OpcuaSiteServer } from "../../../../collectors/simulators/opcua-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Reading } from "../../../../server/contracts/measurement";
import { duplicates, goodTags, outOfOrder, sleep, spawnSimulator, USER, waitFor, type ProcessSimulator } from "./helpers";

/**
 * Issue #3 item 1 (e) deadband and (f) subscription watchdog.
 *
 * (e) Part 4 §7.22.2 DataChangeFilter: with an absolute deadband a change is reported only when
 *     |value − last reported value| exceeds it; with a percent deadband, the threshold is that
 *     percentage of the AnalogItem's EURange (high − low).
 * (f) Part 4 §5.13.1.1: a live subscription sends data or a keep-alive at least every
 *     publishingInterval × maxKeepAliveCount. The server process is frozen with SIGSTOP (TCP stays
 *     open, nothing is sent: the "looks connected, no data" failure of anchors §2.2); the driver's
 *     watchdog must notice, open an outage, and rebuild once the server answers again (SIGCONT).
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

describe("OPC UA subscription behaviour", () => {
  let root: string;
  let simulator: OpcuaSiteServer | null = null;
  let frozen: ProcessSimulator | null = null;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-subscription-"));
  });

  afterAll(async () => {
    await simulator?.stop();
    await frozen?.stop().catch(() => undefined);
    await frozen?.kill().catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("(e) absolute and percent deadbands hold back changes below the band", async () => {
    // No timer ticks: the test publishes every value itself.
    simulator = await startOpcuaSiteServer({ site: DEMO_SITE, port: 0, host: "127.0.0.1", tickMs: 3_600_000, pkiDir: path.join(root, "sim-e"), logger });
    const tank = simulator.model.state.tanks[0]!;
    const prefix = `${tank.spec.installationKey}/${tank.spec.tankKey}`;
    const all = new Map(siteOpcuaTags(DEMO_SITE).map((t) => [t.tag, t.nodeId]));
    const absolute = `${prefix}/level_mm`;
    const percent = `${prefix}/density_kg_m3`; // EURange 500…1100 → 10 % = 60 kg/m³
    const none = `${prefix}/water_level_mm`;
    const readings: Reading[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: simulator.endpointUrl,
      tags: [
        { tag: absolute, nodeId: all.get(absolute)!, deadband: { kind: "absolute", value: 1 } },
        { tag: percent, nodeId: all.get(percent)!, deadband: { kind: "percent", value: 10 } },
        { tag: none, nodeId: all.get(none)!, queueSize: 5 },
      ],
      pkiDir: path.join(root, "collector-e"),
      publishingIntervalMs: 100,
      samplingIntervalMs: 0,
      logger,
    });
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(() => goodTags(readings).size === 3, 15_000, "initial values");
      expect(driver.status.state).toBe("connected");
      expect(driver.status.detail).toBeNull(); // no item refused (percent needs the EURange: present)
      const steps: Array<Record<string, number>> = [
        { [absolute]: 3000, [percent]: 600, [none]: 100 },
        { [absolute]: 3000.4, [percent]: 630, [none]: 100.4 },
        { [absolute]: 3000.8, [percent]: 655, [none]: 100.8 },
        { [absolute]: 3001.5, [percent]: 670, [none]: 101.5 },
        { [absolute]: 3001.0, [percent]: 700, [none]: 101.0 },
      ];
      const startIndex = readings.length;
      for (const step of steps) {
        for (const [tag, value] of Object.entries(step)) simulator.model.setFault(tag, { kind: "out-of-range", value });
        simulator.model.advance(0.001);
        await sleep(300);
      }
      await sleep(300);
      const after = readings.slice(startIndex).filter((r) => r.quality === 0);
      const values = (tag: string) => after.filter((r) => r.tag === tag).map((r) => r.value);
      expect(values(absolute)).toEqual([3000, 3001.5]);
      expect(values(percent)).toEqual([600, 670]);
      expect(values(none)).toEqual([100, 100.4, 100.8, 101.5, 101.0]);
      expect(duplicates(readings)).toEqual([]);
    } finally {
      await driver.stop();
      await simulator.stop();
      simulator = null;
    }
  });

  it("(f) the watchdog detects a frozen server (no data, no keep-alive), opens an outage, and rebuilds after it resumes", async () => {
    frozen = await spawnSimulator({
      port: 0,
      pkiDir: path.join(root, "sim-f"),
      tickMs: 200,
      seed: 5,
      users: [USER],
      securityModes: ["SignAndEncrypt"],
      securityPolicies: ["Basic256Sha256"],
    });
    const pkiDir = path.join(root, "collector-f");
    await importTrustedCertificate(pkiDir, frozen.certificate);
    const tags = siteOpcuaTags(DEMO_SITE).slice(0, 8);
    const readings: Reading[] = [];
    const outages: OpcuaOutage[] = [];
    const statuses: DriverStatus[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: frozen.endpointUrl,
      tags,
      securityMode: "SignAndEncrypt",
      securityPolicy: "Basic256Sha256",
      auth: { kind: "username", username: USER.username, password: USER.password },
      pkiDir,
      publishingIntervalMs: 200,
      maxKeepAliveCount: 3, // keep-alive every ≤ 600 ms; watchdog after (2 × 3 + 1) × 200 = 1.4 s
      samplingIntervalMs: 0,
      maxBackoffMs: 1000,
      requestTimeoutMs: 3000,
      logger,
      onOutage: (outage) => outages.push(outage),
    });
    driver.onStatus((status) => statuses.push(status));
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(() => goodTags(readings).size === tags.length, 20_000, "data before the freeze");
      await sleep(500);
      const frozenAt = Date.now();
      frozen.signal("SIGSTOP");
      await waitFor(() => driver.status.state === "disconnected", 10_000, "watchdog detection");
      const detectedMs = Date.now() - frozenAt;
      const firstDisconnect = statuses.find((s) => s.state === "disconnected");
      expect(firstDisconnect?.detail).toMatch(/la suscripción dejó de publicar: sin datos ni keep-alive/);
      expect(detectedMs).toBeLessThan(1400 + 1500);
      expect(outages).toHaveLength(1);
      // The gap starts at the last sign of life, not at the detection.
      expect(outages[0]!.start.getTime()).toBeLessThanOrEqual(frozenAt + 100);
      expect(outages[0]!.start.getTime()).toBeGreaterThan(frozenAt - 1400);

      await sleep(3000);
      const resumedAt = Date.now();
      frozen.signal("SIGCONT");
      const ended = await waitFor(() => outages.find((o) => o.end !== null), 30_000, "rebuilt subscription");
      const afterIndex = readings.length;
      await waitFor(() => goodTags(readings.slice(afterIndex)).size === tags.length, 10_000, "data after resume");
      expect(driver.status.state).toBe("connected");
      for (const reading of readings.slice(afterIndex).filter((r) => r.quality === 0)) expect(reading.time.getTime()).toBeGreaterThan(frozenAt);
      expect(readings.filter((r) => r.quality === 2)).toHaveLength(tags.length); // once per outage
      expect(duplicates(readings)).toEqual([]);
      expect(outOfOrder(readings)).toEqual([]);
      console.info(JSON.stringify({ watchdog: { detectedMs, rebuiltAfterResumeMs: ended.end!.getTime() - resumedAt, outageMs: ended.durationMs } }));
    } finally {
      await driver.stop();
    }
  });
});
