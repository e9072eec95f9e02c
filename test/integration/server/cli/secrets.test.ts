import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decryptSecretText } from "../../../../server/platform/secret-box";

const REPO = path.resolve(__dirname, "../../../..");
const KEY = "0123456789abcdef".repeat(4);
const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-cli-secrets-"));

/** `npx tsx server/cli/main.ts secrets encrypt` with `input` on stdin. */
function encrypt(input: string, env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return aforo(["secrets", "encrypt"], input, env);
}

function aforo(args: string[], input: string, env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "server/cli/main.ts", ...args], {
      cwd: REPO,
      env: { ...process.env, AFORO_DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", AFORO_ENCRYPTION_KEY: KEY, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("aforo secrets encrypt (A30-SEC-16)", () => {
  it("encrypts stdin (one trailing newline dropped) to a value the key decrypts", async () => {
    const { code, stdout } = await encrypt("Tanque#Secreto ñ 2026\n");
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.trim()) as { encrypted: string };
    expect(Object.keys(printed)).toEqual(["encrypted"]);
    expect(printed.encrypted).toMatch(/^aforo:v1:/);
    expect(printed.encrypted).not.toContain("Tanque");
    expect(decryptSecretText(printed.encrypted, KEY)).toBe("Tanque#Secreto ñ 2026");
  });

  it("without AFORO_ENCRYPTION_KEY uses the key generated into the data directory", async () => {
    const { code, stdout } = await encrypt("otra-clave", { AFORO_ENCRYPTION_KEY: undefined });
    expect(code).toBe(0);
    const key = readFileSync(path.join(dataDir, "encryption-key"), "utf8").trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(decryptSecretText((JSON.parse(stdout.trim()) as { encrypted: string }).encrypted, key)).toBe("otra-clave");
  });

  it("empty input is bad input (exit 2) with a JSON reason", async () => {
    for (const input of ["", "\n"]) {
      const { code, stdout } = await encrypt(input);
      expect(code).toBe(2);
      expect(JSON.parse(stdout.trim()).error).toContain("no se recibió ningún secreto");
    }
  });

  it("aforo collect refuses an encrypted password under another key, naming the link (exit 2)", async () => {
    const { stdout } = await encrypt("clave-del-plc");
    const file = JSON.parse(readFileSync(path.join(REPO, "collectors/collector.example.json"), "utf8"));
    file.links[1].auth.password = JSON.parse(stdout.trim());
    const config = path.join(dataDir, "collector.json");
    writeFileSync(config, JSON.stringify(file));
    const { code, stdout: out } = await aforo(["collect", "--config", config], "", { AFORO_ENCRYPTION_KEY: "a".repeat(64) });
    expect(code).toBe(2);
    // node-opcua prints its own warnings on stdout when loaded: the answer is the JSON line.
    const error = (JSON.parse(out.split("\n").find((line) => line.startsWith("{\"error\""))!) as { error: string }).error;
    expect(error).toContain("links.1.auth.password: contraseña cifrada del enlace CANAL:OPCUA-EDS-0001");
    expect(error).not.toContain("clave-del-plc");
  });
});
