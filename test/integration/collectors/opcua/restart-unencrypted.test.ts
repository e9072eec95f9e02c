import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { ProcessSimulator, StandbySimulator } from "./helpers";
import { runKillRestart, type ModeCase } from "./kill-restart";

/**
 * The same kill -9 / restart cycle without encryption, for comparison of reconnect times
 * (None needs a recorded reason in production, A30-MS-14; Sign is integrity only).
 */
const CASES: ModeCase[] = [
  { label: "Sign/Basic256Sha256 + usuario", securityMode: "Sign", securityPolicy: "Basic256Sha256", username: true },
  { label: "None + anónimo", securityMode: "None", securityPolicy: "None", username: false },
];

describe("OPC UA collector survives kill -9 of its server (Sign and None)", () => {
  let root: string;
  const running: Array<ProcessSimulator | StandbySimulator> = [];
  const measurements: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "aforo-opcua-restart-plain-"));
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
