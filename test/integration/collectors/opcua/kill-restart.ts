import path from "node:path";
import pino from "pino";
import { expect } from "vitest";
import { createOpcuaDriver, importTrustedCertificate, type OpcuaOutage } from "../../../../collectors/drivers/opcua/index";
import type { OpcuaSecurityMode, OpcuaSecurityPolicy } from "../../../../collectors/drivers/opcua/connection";
import { siteOpcuaTags } from "../../../../collectors/simulators/opcua-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Reading } from "../../../../server/contracts/measurement";
import {
  duplicates,
  freePort,
  goodTags,
  outOfOrder,
  prepareSimulator,
  sleep,
  spawnSimulator,
  USER,
  waitFor,
  type ProcessSimulator,
  type StandbySimulator,
} from "./helpers";

/**
 * Issue #3 item 1 (a)/(b): the OPC UA server process is killed with SIGKILL mid-stream and started
 * again on the same port with the same certificate. The collector must resume by itself under
 * secure channels with user authentication (node-opcua #1357: no retry with a policy other than
 * None; #458: identity lost after reconnect), report the gap once (A30-MS-15), deliver no (tag,
 * time) twice, and deliver fresh values afterwards. The simulator offers only the mode/policy
 * under test and, with a user, refuses anonymous sessions, so a session proves both.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const TAGS = siteOpcuaTags(DEMO_SITE);

export interface ModeCase {
  label: string;
  securityMode: OpcuaSecurityMode;
  securityPolicy: OpcuaSecurityPolicy;
  username: boolean;
}

/** Runs one kill -9 / restart cycle with its assertions; returns the measured times. */
export async function runKillRestart(mode: ModeCase, root: string, running: Array<ProcessSimulator | StandbySimulator>): Promise<Record<string, unknown>> {
  let measurement: Record<string, unknown> = {};
  const port = await freePort();
  const slug = mode.label.replace(/[^A-Za-z0-9]+/g, "-");
  const simulatorPki = path.join(root, `sim-${slug}`);
  const collectorPki = path.join(root, `collector-${slug}`);
  const simulatorOptions = {
    port,
    pkiDir: simulatorPki,
    tickMs: 250,
    seed: 11,
    securityModes: [mode.securityMode],
    securityPolicies: [mode.securityPolicy],
    ...(mode.username ? { users: [USER] } : {}),
  };

  const first = await spawnSimulator(simulatorOptions);
  running.push(first);
  // The administrator imported the server certificate beforehand (no trust on first use).
  if (mode.securityMode !== "None") await importTrustedCertificate(collectorPki, first.certificate);

  const readings: Reading[] = [];
  const outages: OpcuaOutage[] = [];
  const driver = createOpcuaDriver({
    endpointUrl: first.endpointUrl,
    tags: TAGS,
    securityMode: mode.securityMode,
    securityPolicy: mode.securityPolicy,
    auth: mode.username ? { kind: "username", username: USER.username, password: USER.password } : { kind: "anonymous" },
    pkiDir: collectorPki,
    publishingIntervalMs: 250,
    samplingIntervalMs: 0,
    maxBackoffMs: 1000,
    logger,
    onOutage: (outage) => outages.push(outage),
  });
  const connectStarted = Date.now();
  let firstGoodAfterRestartAt: number | null = null;
  await driver.start((batch) => {
    readings.push(...batch);
    if (firstGoodAfterRestartAt === null && outages.some((o) => o.end !== null) && batch.some((r) => r.quality === 0)) {
      firstGoodAfterRestartAt = Date.now();
    }
  });
  try {
    await waitFor(() => goodTags(readings).size === TAGS.length, 20_000, "36 tags before the kill");
    const firstConnectMs = Date.now() - connectStarted;
    expect(driver.status.state).toBe("connected");
    expect(outages).toEqual([]);
    // The replacement process loads its modules now, so the downtime below is the server's own.
    const standby = await prepareSimulator(simulatorOptions);
    running.push(standby);
    await sleep(500);

    // kill -9 mid-stream.
    const lastBeforeKill = new Map(readings.map((r) => [r.tag, r.time.getTime()]));
    const killedAt = Date.now();
    await first.kill();
    await waitFor(() => driver.status.state === "disconnected", 10_000, "disconnected after kill");
    const detectedMs = Date.now() - killedAt;
    expect(outages).toHaveLength(1);
    expect(outages[0]!.end).toBeNull();
    await sleep(1000);

    const second = await standby.go();
    expect(second.certificateThumbprint).toBe(first.certificateThumbprint);
    const endedOutage = await waitFor(() => outages.find((o) => o.end !== null), 20_000, "outage end");
    const subscribedAfterUpMs = endedOutage.end!.getTime() - second.readyAt;
    const afterIndex = readings.length;
    await waitFor(() => goodTags(readings.slice(afterIndex)).size === TAGS.length, 10_000, "36 tags after the restart");
    expect(driver.status.state).toBe("connected");
    expect(driver.status.detail).toMatch(/enlace restablecido; interrupción del/);

    // The gap: one start and one end, bracketing the kill and the restart.
    expect(outages).toHaveLength(2);
    const gap = outages[1]!;
    expect(gap.start.getTime()).toBeGreaterThanOrEqual(killedAt - 50);
    expect(gap.start.getTime()).toBeLessThanOrEqual(killedAt + detectedMs + 50);
    expect(gap.end!.getTime()).toBeGreaterThanOrEqual(second.readyAt - 50);
    expect(gap.durationMs).toBe(gap.end!.getTime() - gap.start.getTime());
    expect(driver.lastOutage).toEqual(gap);
    expect(driver.currentOutage).toBeNull();

    // One BAD marker per tag for the whole outage, none elsewhere.
    const bad = readings.filter((r) => r.quality === 2);
    expect(bad).toHaveLength(TAGS.length);
    expect(new Set(bad.map((r) => r.tag)).size).toBe(TAGS.length);

    // No (tag, time) twice; per tag, time order.
    expect(duplicates(readings)).toEqual([]);
    expect(outOfOrder(readings)).toEqual([]);

    // Fresh values: everything good after the outage was measured after the kill.
    for (const reading of readings.slice(afterIndex).filter((r) => r.quality === 0)) {
      expect(reading.time.getTime()).toBeGreaterThan(lastBeforeKill.get(reading.tag) ?? 0);
      expect(reading.time.getTime()).toBeGreaterThan(killedAt);
    }

    measurement = {
      mode: mode.label,
      firstConnectMs,
      detectedMs,
      serverDownMs: second.readyAt - killedAt,
      subscribedAfterServerUpMs: subscribedAfterUpMs,
      firstGoodAfterServerUpMs: firstGoodAfterRestartAt === null ? null : (firstGoodAfterRestartAt as number) - second.readyAt,
      outageMs: gap.durationMs,
    };
    await second.stop();
  } finally {
    await driver.stop();
  }
  // Nothing after stop.
  const count = readings.length;
  await sleep(300);
  expect(readings.length).toBe(count);
  return measurement;
}
