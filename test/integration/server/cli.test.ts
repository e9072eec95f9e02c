import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/client";
import { verifyPassword } from "../../../server/platform/password-hash";

const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../../server/cli/bin.mjs");
const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-cli-"));

async function aforo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, AFORO_DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("aforo CLI (design.md §3: JSON on stdout, exit 0/1/2)", () => {
  it("--help lists every contract command", async () => {
    const { code, stdout } = await aforo(["--help"]);
    expect(code).toBe(0);
    for (const name of ["migrate", "users create", "simulate", "collect", "vcf", "reconcile", "report daily", "report monthly", "cfdi parse", "bitacora verify"]) {
      expect(stdout).toContain(name);
    }
  });

  it("each command has its own --help", async () => {
    const { code, stdout } = await aforo(["users", "create", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--username U --role");
  });

  it("an unknown command or option is bad input (exit 2) with a JSON reason", async () => {
    const unknown = await aforo(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toContain("comando desconocido");
    const badOption = await aforo(["migrate", "--bogus"]);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout).error).toMatch(/bogus/);
  });

  it("migrate applies migrations to the embedded database and reports the engine", async () => {
    const { code, stdout } = await aforo(["migrate"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, db: "pglite", timescaledb: { enabled: false } });
  });

  it("users create rejects a role that is not one of the four profiles (A30-ACC-02)", async () => {
    const { code, stdout } = await aforo(["users", "create", "--username", "invitado1", "--role", "invitado"]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toContain("role");
  });

  it("users create is bootstrap-safe: on an empty users table only an Administrador may be created first (issue #5 item 2)", async () => {
    const first = await aforo(["users", "create", "--username", "operador1", "--role", "operador"]);
    expect(first.code).toBe(2);
    expect(JSON.parse(first.stdout).error).toContain("cree primero un Administrador");

    const admin = await aforo(["users", "create", "--username", "Admin1", "--role", "administrador", "--name", "Ana Administradora"]);
    expect(admin.code).toBe(0);
    const out = JSON.parse(admin.stdout);
    expect(out).toMatchObject({ username: "admin1", role: "administrador", mustChangePassword: true });

    const db = await openDatabase({ dataDir });
    try {
      const entries = await db.query<{ username: string; description: string; all_text: string }>(
        "select username, description, e::text as all_text from event_log e where description like 'Alta de usuario (línea de comandos)%'",
      );
      expect(entries).toHaveLength(1);
      expect(entries[0]!.username).toBe("sistema");
      expect(entries[0]!.description).toContain("admin1");
      // A30-SEC-06/07: the temporary password is printed once and written nowhere.
      expect(entries[0]!.all_text).not.toContain(out.temporaryPassword);
      const leaked = await db.query("select 1 from security_log s where s::text like '%' || $1 || '%'", [out.temporaryPassword]);
      expect(leaked).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("users create prints a temporary password that must be changed (A30-ACC-04/05)", async () => {
    const { code, stdout } = await aforo(["users", "create", "--username", "Operador2", "--role", "operador"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ username: "operador2", role: "operador", mustChangePassword: true });
    expect(out.temporaryPassword).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{16}$/);

    const again = await aforo(["users", "create", "--username", "operador2", "--role", "operador"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toContain("ya existe");

    const db = await openDatabase({ dataDir });
    try {
      const [row] = await db.query<{ password_hash: string; must_change_password: boolean; role: string }>(
        "select password_hash, must_change_password, role from users where username = 'operador2'",
      );
      expect(row!.must_change_password).toBe(true);
      expect(row!.role).toBe("operador");
      expect(await verifyPassword(out.temporaryPassword, row!.password_hash)).toBe(true);
    } finally {
      await db.close();
    }
  });

});

describe("aforo vcf (design.md §3, API MPMS 11.1-2004)", () => {
  it("crude at base density 772.3 kg/m³ @ 20 °C observed at −32.8 °C reproduces the standard's 1.05331266825", async () => {
    const { code, stdout } = await aforo(["vcf", "--group", "crude", "--base-density", "772.3", "--base", "20", "--temp-c", "-32.8"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.ctl).toBeCloseTo(1.05331266825, 10);
    expect(out.vcf).toBe(1.05331);
  });

  it("inputs outside the standard's range are bad input (exit 2) with a reason", async () => {
    const { code, stdout } = await aforo(["vcf", "--group", "refined", "--density60", "2000", "--temp-c", "20"]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toContain("fuera del intervalo");
  });
});
