import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Independent Modbus peers for the integration tests: Debian's pymodbus (server) and mbpoll
 * (client). They are provisioned by `.ci/provision-peers.sh`; when missing, the tests FAIL with
 * that instruction instead of skipping (an interop suite that silently skips proves nothing).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.resolve(here, "../../../fixtures/modbus");
export const PYMODBUS_POINTS_FILE = path.join(FIXTURES_DIR, "pymodbus-points.json");
const PYMODBUS_SCRIPT = path.join(FIXTURES_DIR, "pymodbus_server.py");
/** stack-feasibility P6: Debian's interpreter, not the pyenv python3 on PATH. */
export const DEBIAN_PYTHON = "/usr/bin/python3";
const PROVISION = "ejecute `bash .ci/provision-peers.sh` (como root) para instalarlo";

export function requirePymodbus(): void {
  const probe = spawnSync(DEBIAN_PYTHON, ["-c", "import pymodbus, pymodbus.server, pymodbus.datastore; print(pymodbus.__version__)"], {
    encoding: "utf8",
  });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `python3-pymodbus no está disponible para ${DEBIAN_PYTHON} (${probe.error?.message ?? probe.stderr.trim().split("\n").pop()}): ${PROVISION}`,
    );
  }
}

export function requireMbpoll(): void {
  const probe = spawnSync("mbpoll", ["-V"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new Error(`mbpoll no está disponible (${probe.error?.message ?? `salida ${probe.status}`}): ${PROVISION}`);
}

export interface PymodbusPeer {
  port: number;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the pymodbus fixture server; resolves once it listens. */
export async function startPymodbusPeer(port = 0, pointsFile = PYMODBUS_POINTS_FILE): Promise<PymodbusPeer> {
  requirePymodbus();
  const child: ChildProcess = spawn(DEBIAN_PYTHON, [PYMODBUS_SCRIPT, pointsFile, String(port)], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const actualPort = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`pymodbus no abrió su puerto en 15 s:\n${stderr}`)), 15_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /LISTENING (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pymodbus terminó (código ${code}) antes de escuchar:\n${stderr}`));
    });
  });
  return {
    port: actualPort,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/**
 * Runs mbpoll once (`-1`) with PDU (0-based) references (`-0`) and returns `reference → text`
 * from lines such as `[21]: \t12.75`.
 */
export async function mbpoll(port: number, unitId: number, type: string, reference: number, count: number, extra: string[] = []): Promise<Map<number, string>> {
  requireMbpoll();
  const args = ["-m", "tcp", "-a", String(unitId), "-t", type, ...extra, "-0", "-r", String(reference), "-c", String(count), "-p", String(port), "-1", "127.0.0.1"];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile("mbpoll", args, { timeout: 10_000 }, (error, out, err) => {
      if (error) reject(new Error(`mbpoll ${args.join(" ")} falló: ${error.message}\n${out}\n${err}`));
      else resolve(out);
    });
  });
  const values = new Map<number, string>();
  for (const line of stdout.split("\n")) {
    const match = /^\[(\d+)\]:\s+(\S+)/.exec(line.trim());
    if (match) values.set(Number(match[1]), match[2]!);
  }
  if (values.size !== count) throw new Error(`mbpoll devolvió ${values.size} valores de ${count}:\n${stdout}`);
  return values;
}

export { freePort } from "../../../helpers/ports";

/** A TCP server that accepts connections and never answers (a hung device / gateway). */
export async function startBlackHole(): Promise<{ port: number; connections: () => number; stop: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.resume(); // read and discard
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`tiempo agotado (${timeoutMs} ms) esperando ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
