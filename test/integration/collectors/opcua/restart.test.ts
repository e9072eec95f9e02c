import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { ProcessSimulator, StandbySimulator } from "./helpers";
import { runKillRestart, type ModeCase } from "./kill-restart";

/** Issue #3 item 1 (a) and (b): kill -9 and restart under SignAndEncrypt with user authentication. */
const CASES: ModeCase[] = [
  { label: "SignAndEncrypt/Basic256Sha256 + usuario", securityMode: "SignAndEncrypt", securityPolicy: "Basic256Sha256", username: true },
  { label: "SignAndEncrypt/Aes128_Sha256_RsaOaep + usuario", securityMode: "SignAndEncrypt", securityPolicy: "Aes128_Sha256_RsaOaep", username: true },
];

describe("OPC UA collector survives kill -9 of its server (secure channels)", () => {
  let root: string;
  const running: Array<ProcessSimulator | StandbySimulator> = [];
  const measurements: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-restart-"));
  });

  afterAll(async () => {
    for (const simulator of running) await simulator.kill().catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
    if (measurements.length > 0) console.info(JSON.stringify({ reconnect: measurements }));
  });

  it.each(CASES)("$label: resumes by itself, reports the gap once, no duplicates, fresh values", async (mode) => {
    measurements.push(await runKillRestart(mode, root, running));
  });
});
