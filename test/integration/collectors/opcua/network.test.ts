import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpcuaDriver, importTrustedCertificate, type OpcuaOutage } from "../../../../collectors/drivers/opcua/index";
import { siteOpcuaTags, startOpcuaSiteServer, type OpcuaSiteServer } from "../../../../collectors/simulators/opcua-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Reading } from "../../../../server/contracts/measurement";
import { duplicates, goodTags, outOfOrder, sleep, startLinkCutter, USER, waitFor, type LinkCutter } from "./helpers";

/**
 * Network loss while the server keeps running (the link, not the server, fails), under
 * SignAndEncrypt/Basic256Sha256 with user authentication:
 *  - a short cut: the server still holds the session; node-opcua re-opens the secure channel and
 *    re-activates it (Part 4 §5.6.3 ActivateSession on a new SecureChannel); the driver rebuilds
 *    the subscription on it;
 *  - a cut longer than the session timeout: the server has closed the session (Part 4 §5.6.2);
 *    a new session is created with the same user identity (node-opcua #458) and everything is
 *    re-created.
 * In both: one outage with start and end (A30-MS-15), one BAD marker per tag, no (tag, time)
 * twice, time order per tag.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const TAGS = siteOpcuaTags(DEMO_SITE).slice(0, 12);

describe("OPC UA collector across network loss", () => {
  let root: string;
  let simulator: OpcuaSiteServer;
  const cutters: LinkCutter[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-network-"));
    simulator = await startOpcuaSiteServer({
      site: DEMO_SITE,
      port: 0,
      host: "127.0.0.1",
      tickMs: 200,
      pkiDir: path.join(root, "sim"),
      users: [USER],
      securityModes: ["SignAndEncrypt"],
      securityPolicies: ["Basic256Sha256"],
      logger,
    });
  });

  afterAll(async () => {
    for (const cutter of cutters) await cutter.close();
    await simulator?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.each([
    { label: "corte breve (la sesión sigue viva en el servidor)", cutMs: 1500, sessionTimeoutMs: 30_000 },
    { label: "corte más largo que el timeout de sesión (sesión expirada)", cutMs: 4500, sessionTimeoutMs: 2000 },
  ])("$label: resumes, one outage, no duplicates", async ({ cutMs, sessionTimeoutMs }) => {
    const cutter = await startLinkCutter(simulator.port);
    cutters.push(cutter);
    const pkiDir = path.join(root, `collector-${cutMs}`);
    await importTrustedCertificate(pkiDir, simulator.certificate);
    const readings: Reading[] = [];
    const outages: OpcuaOutage[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: cutter.endpointUrl,
      tags: TAGS,
      securityMode: "SignAndEncrypt",
      securityPolicy: "Basic256Sha256",
      auth: { kind: "username", username: USER.username, password: USER.password },
      pkiDir,
      publishingIntervalMs: 200,
      samplingIntervalMs: 0,
      maxBackoffMs: 1000,
      sessionTimeoutMs,
      logger,
      onOutage: (outage) => outages.push(outage),
    });
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(() => goodTags(readings).size === TAGS.length, 20_000, "data before the cut");
      await sleep(400);
      const cutAt = Date.now();
      await cutter.cut();
      await waitFor(() => driver.status.state === "disconnected", 10_000, "disconnected after the cut");
      const detectedMs = Date.now() - cutAt;
      await sleep(Math.max(0, cutMs - (Date.now() - cutAt)));
      const restoredAt = Date.now();
      await cutter.restore();
      const ended = await waitFor(() => outages.find((o) => o.end !== null), 30_000, "outage end");
      const afterIndex = readings.length;
      await waitFor(() => goodTags(readings.slice(afterIndex)).size === TAGS.length, 10_000, "data after the cut");
      expect(driver.status.state).toBe("connected");
      expect(outages).toHaveLength(2);
      expect(ended.start.getTime()).toBeGreaterThanOrEqual(cutAt - 50);
      expect(ended.end!.getTime()).toBeGreaterThanOrEqual(restoredAt);
      expect(readings.filter((r) => r.quality === 2)).toHaveLength(TAGS.length);
      expect(duplicates(readings)).toEqual([]);
      expect(outOfOrder(readings)).toEqual([]);
      console.info(JSON.stringify({ networkCut: { cutMs, sessionTimeoutMs, detectedMs, resumedAfterRestoreMs: ended.end!.getTime() - restoredAt } }));
    } finally {
      await driver.stop();
      await cutter.close();
    }
  });
});
