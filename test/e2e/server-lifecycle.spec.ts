import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";

// Issue #2 items 5 and 8 on the real server process (the build is the one Playwright's webServer
// made): SIGTERM stops it gracefully (exit 0, "Aforo detenido"), and a restart on the same data
// directory keeps what was stored.
const PORT = 3190;
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-lifecycle-"));

function startServer(): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "server/main.ts"], {
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", AFORO_DEMO: "1", AFORO_DEMO_HISTORY_DAYS: "2", AFORO_DATA_DIR: dataDir, AFORO_SIM_OPCUA_PORT: "0", AFORO_SIM_MODBUS_PORT: "0", AFORO_SIM_TLS_PORT: "0", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitHealthy(request: APIRequestContext): Promise<void> {
  await expect
    .poll(async () => (await request.get(`${BASE}/api/health`).catch(() => null))?.status(), { timeout: 60_000, intervals: [500] })
    .toBe(200);
}

async function logIn(request: APIRequestContext): Promise<void> {
  const { csrfToken } = await (await request.get(`${BASE}/api/auth/csrf`)).json();
  await request.post(`${BASE}/api/auth/callback/credentials`, { form: { csrfToken, username: "supervisor", password: "Aforo#Super2026" }, maxRedirects: 0 });
}

async function latestLevelTime(request: APIRequestContext): Promise<string | undefined> {
  const body = await (await request.get(`${BASE}/api/installations`)).json();
  return body.installations?.find((i: { key: string }) => i.key === "EDS-0001")?.tanks?.[0]?.latest?.level_mm?.time;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
}

test.afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test("SIGTERM stops the server gracefully and a restart keeps the stored data", async ({ playwright }) => {
  test.setTimeout(180_000);
  const request = await playwright.request.newContext();
  const first = startServer();
  try {
    await waitHealthy(request);
    await logIn(request);
    await expect.poll(() => latestLevelTime(request), { timeout: 15_000 }).toBeTruthy();
    const beforeStop = (await latestLevelTime(request))!;

    first.child.kill("SIGTERM");
    expect(await exited(first.child)).toBe(0);
    expect(first.output()).toContain("Aforo detenido");
    await expect(request.get(`${BASE}/api/health`)).rejects.toThrow();

    const second = startServer();
    try {
      await waitHealthy(request);
      await logIn(request);
      const afterRestart = await latestLevelTime(request);
      // What was stored before the stop is still there (same or newer reading).
      expect(afterRestart).toBeTruthy();
      expect(new Date(afterRestart!).getTime()).toBeGreaterThanOrEqual(new Date(beforeStop).getTime());
      // And the demo seed did not duplicate users on the second start.
      const session = await (await request.get(`${BASE}/api/auth/session`)).json();
      expect(session.user.username).toBe("supervisor");
    } finally {
      second.child.kill("SIGTERM");
      expect(await exited(second.child)).toBe(0);
    }
  } finally {
    if (first.child.exitCode === null) first.child.kill("SIGKILL");
    await request.dispose();
  }
});
