import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browseTags,
  createOpcuaDriver,
  listRejectedCertificates,
  listTrustedCertificates,
  trustCertificate,
  untrustCertificate,
} from "../../../../collectors/drivers/opcua/index";
import type { DriverStatus } from "../../../../collectors/drivers/driver";
import { siteOpcuaTags, startOpcuaSiteServer, type OpcuaSiteServer } from "../../../../collectors/simulators/opcua-site-server";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import type { Reading } from "../../../../server/contracts/measurement";
import { goodTags, sleep, USER, waitFor } from "./helpers";

/**
 * Issue #3 item 1 (c), (d) and the browse helper, against a simulator that offers only
 * SignAndEncrypt (Basic256Sha256 and Aes128_Sha256_RsaOaep) and refuses anonymous sessions.
 *
 * (c) Part 4 §6.1.3 / Part 2 §8.1: the client validates the server's application instance
 *     certificate against its trust list; unknown → refused and listed; an administrator trusts
 *     it and the same driver connects at its next retry.
 * (d) Part 4 §5.6.3 ActivateSession with a wrong password → BadUserAccessDenied: clear status,
 *     retried with a growing delay, no crash.
 */

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const TAGS = siteOpcuaTags(DEMO_SITE).slice(0, 8);

describe("OPC UA link security", () => {
  let root: string;
  let simulator: OpcuaSiteServer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-security-"));
    simulator = await startOpcuaSiteServer({
      site: DEMO_SITE,
      port: 0,
      host: "127.0.0.1",
      tickMs: 250,
      pkiDir: path.join(root, "sim"),
      users: [USER],
      securityModes: ["SignAndEncrypt"],
      securityPolicies: ["Basic256Sha256", "Aes128_Sha256_RsaOaep"],
      logger,
    });
  });

  afterAll(async () => {
    await simulator?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("(c) refuses an unknown server certificate, lists it, and connects once an administrator trusts it, without restarting the driver", async () => {
    const pkiDir = path.join(root, "collector-c");
    const readings: Reading[] = [];
    const statuses: DriverStatus[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: simulator.endpointUrl,
      tags: TAGS,
      securityMode: "SignAndEncrypt",
      securityPolicy: "Basic256Sha256",
      auth: { kind: "username", username: USER.username, password: USER.password },
      pkiDir,
      publishingIntervalMs: 250,
      samplingIntervalMs: 0,
      maxBackoffMs: 1000,
      logger,
    });
    driver.onStatus((status) => statuses.push(status));
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(() => driver.status.state === "disconnected" && /no confiable/.test(driver.status.detail ?? ""), 15_000, "certificate refused");
      // The status names the certificate so the administrator can compare it with the server's.
      expect(driver.status.detail).toContain(simulator.certificateThumbprint);
      expect(driver.status.detail).toContain("rejected");
      expect(driver.refusedCertificate?.thumbprint).toBe(simulator.certificateThumbprint);
      expect(driver.currentOutage?.reason).toMatch(/certificado del servidor no confiable/);

      const rejected = await listRejectedCertificates(pkiDir);
      expect(rejected.map((c) => c.thumbprint)).toEqual([simulator.certificateThumbprint]);
      expect(rejected[0]!.subject).toContain("Aforo simulador de sitio");
      expect(rejected[0]!.applicationUri).toBe(`${DEMO_SITE.opcua.namespaceUri}:server`);
      expect(rejected[0]!.validTo.getTime()).toBeGreaterThan(Date.now());
      expect(rejected[0]!.validFrom.getTime()).toBeLessThanOrEqual(Date.now());
      expect(rejected[0]!.file).toMatch(/rejected/);
      expect(await listTrustedCertificates(pkiDir)).toEqual([]);

      // It keeps retrying (and refusing) meanwhile; no data, only the outage markers.
      await sleep(1500);
      expect(driver.status.state).toBe("disconnected");
      expect(readings.filter((r) => r.quality !== 2)).toEqual([]);
      expect(readings).toHaveLength(TAGS.length);

      const trustedAt = Date.now();
      const trusted = await trustCertificate(pkiDir, simulator.certificateThumbprint.slice(0, 12).toUpperCase());
      expect(trusted.thumbprint).toBe(simulator.certificateThumbprint);
      expect(trusted.file).toMatch(/trusted/);
      expect(await listRejectedCertificates(pkiDir)).toEqual([]);

      await waitFor(() => goodTags(readings).size === TAGS.length, 15_000, "data after trusting");
      expect(driver.status.state).toBe("connected");
      expect(driver.refusedCertificate).toBeNull();
      expect(driver.lastOutage?.end).not.toBeNull();
      console.info(JSON.stringify({ connectedAfterTrustMs: Date.now() - trustedAt }));
      // One outage for the whole refusal period: disconnected entered once, then retried.
      const entered = statuses.filter((s, i) => s.state === "disconnected" && statuses[i - 1]?.state !== "disconnected");
      expect(entered).toHaveLength(1);
      expect(entered[0]!.detail).toMatch(/^certificado del servidor no confiable: .*huella SHA-1/);
      expect(statuses.some((s) => /\(intento 2; nuevo intento en [\d.]+ s\) — sin enlace desde /.test(s.detail ?? ""))).toBe(true);
    } finally {
      await driver.stop();
    }

    // Withdrawing trust puts it back in rejected/.
    await untrustCertificate(pkiDir, simulator.certificateThumbprint);
    expect((await listRejectedCertificates(pkiDir)).map((c) => c.thumbprint)).toEqual([simulator.certificateThumbprint]);
    await expect(trustCertificate(pkiDir, "00000000")).rejects.toThrow(/no hay un certificado rechazado/);
  });

  it("(d) a wrong password gives a clear status, is retried with a growing delay, and never crashes", async () => {
    const statuses: DriverStatus[] = [];
    const readings: Reading[] = [];
    const driver = createOpcuaDriver({
      endpointUrl: simulator.endpointUrl,
      tags: TAGS,
      securityMode: "SignAndEncrypt",
      securityPolicy: "Aes128_Sha256_RsaOaep",
      auth: { kind: "username", username: USER.username, password: "contraseña-equivocada" },
      pkiDir: path.join(root, "collector-d"),
      trustOnFirstUse: true,
      maxBackoffMs: 2000,
      logger,
    });
    driver.onStatus((status) => statuses.push(status));
    await driver.start((batch) => readings.push(...batch));
    try {
      await waitFor(() => statuses.filter((s) => /intento \d+;/.test(s.detail ?? "")).length >= 3, 20_000, "four attempts");
      expect(driver.status.state).toBe("disconnected");
      expect(driver.status.detail).toMatch(/el servidor rechazó el usuario o la contraseña \(BadUserAccessDenied\)/);
      expect(driver.status.detail).not.toContain("contraseña-equivocada");
      const delays = statuses
        .map((s) => /nuevo intento en ([\d.]+) s/.exec(s.detail ?? "")?.[1])
        .filter((d): d is string => d !== undefined)
        .map(Number);
      // The first failure enters `disconnected` (bare reason); the retries that follow show the
      // schedule: 1 s, 2 s, then capped at maxBackoffMs.
      expect(statuses.find((s) => s.state === "disconnected")?.detail).toBe(
        "no se pudo abrir la sesión o la suscripción: el servidor rechazó el usuario o la contraseña (BadUserAccessDenied)",
      );
      expect(delays.slice(0, 3)).toEqual([1, 2, 2]);
      expect(readings.filter((r) => r.quality !== 2)).toEqual([]);
      expect(driver.currentOutage).not.toBeNull();
    } finally {
      await driver.stop();
    }
    expect(driver.status.state).toBe("stopped");
  });

  it("browses the address space with the same security and identity, for the link configuration UI", async () => {
    const variables = await browseTags(
      {
        endpointUrl: simulator.endpointUrl,
        securityMode: "SignAndEncrypt",
        securityPolicy: "Basic256Sha256",
        auth: { kind: "username", username: USER.username, password: USER.password },
        pkiDir: path.join(root, "collector-browse"),
        trustOnFirstUse: true,
      },
      `nsu=${DEMO_SITE.opcua.namespaceUri};s=${DEMO_SITE.installations[0]!.key}`,
    );
    const level = variables.find((v) => v.browsePath.endsWith("level_mm"));
    expect(level).toBeDefined();
    expect(level!.dataType).toBe("Double");
    expect(level!.dataTypeNodeId).toBe("ns=0;i=11");
    expect(level!.nodeId).toMatch(new RegExp(`^ns=${simulator.namespaceIndex};s=`));
    expect(level!.stableNodeId).toMatch(new RegExp(`^nsu=${DEMO_SITE.opcua.namespaceUri.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")};s=`));
    // Every tank variable of the installation, and only variables of the model (AnalogItem properties are not walked).
    const expected = siteOpcuaTags(DEMO_SITE).filter((t) => t.tag.startsWith(`${DEMO_SITE.installations[0]!.key}/`));
    expect(variables.map((v) => v.stableNodeId).sort()).toEqual(expected.map((t) => t.nodeId).sort());

    await expect(
      browseTags({
        endpointUrl: simulator.endpointUrl,
        securityMode: "SignAndEncrypt",
        securityPolicy: "Basic256Sha256",
        auth: { kind: "username", username: USER.username, password: "mala" },
        pkiDir: path.join(root, "collector-browse"),
      }),
    ).rejects.toThrow(/usuario o la contraseña/);
    await expect(
      browseTags({ endpointUrl: simulator.endpointUrl, securityMode: "SignAndEncrypt", pkiDir: path.join(root, "collector-browse-untrusted") }),
    ).rejects.toThrow(/no confiable/);
  });
});
