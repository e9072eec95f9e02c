import { startTcpProxy } from "../../../helpers/tcp-proxy";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { OpcuaSiteServerOptions, OpcuaTag } from "../../../../collectors/simulators/opcua-site-server";
import type { Reading } from "../../../../server/contracts/measurement";

export const USER = { username: "operador", password: "Aforo-pr0ceso!" } as const;

export async function waitFor<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timeout (${timeoutMs} ms) waiting for ${what}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { freePort } from "../../../helpers/ports";

export type ProcessSimulatorOptions = Omit<OpcuaSiteServerOptions, "site" | "logger" | "now" | "modelConfig" | "host">;

export interface ProcessSimulator {
  endpointUrl: string;
  port: number;
  pid: number;
  certificate: Buffer;
  certificateThumbprint: string;
  tags: OpcuaTag[];
  /** When the READY line arrived (Date.now()). */
  readyAt: number;
  child: ChildProcess;
  signal(signal: NodeJS.Signals): void;
  /** kill -9 and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop) and wait. */
  stop(): Promise<void>;
}

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "site-server-process.ts");

export interface StandbySimulator {
  /** Starts listening now; resolves at READY. */
  go(timeoutMs?: number): Promise<ProcessSimulator>;
  kill(): Promise<void>;
}

function launch(options: ProcessSimulatorOptions, standby: boolean) {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, JSON.stringify(options)], {
    cwd: process.cwd(),
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NODE_NO_WARNINGS: "1", AFORO_SIM_STANDBY: standby ? "1" : "0" },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  let stdout = "";
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-200_000);
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(stdout);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        stdout = stdout.slice(match.index + match[0].length);
        waiter.resolve(match);
      }
    }
  });
  const waitLine = (pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`simulator: no ${what} in ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`simulator exited (${code}) before ${what}: ${stderr}`));
      };
      child.once("exit", onExit);
      const done = (match: RegExpExecArray) => {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(match);
      };
      const existing = pattern.exec(stdout);
      if (existing) {
        stdout = stdout.slice(existing.index + existing[0].length);
        done(existing);
      } else waiters.push({ pattern, resolve: done });
    });
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const ready = async (timeoutMs: number): Promise<ProcessSimulator> => {
    const match = await waitLine(/AFORO-SIM-READY (\{.*\})\n/, timeoutMs, "READY");
    const readyAt = Date.now();
    const info = JSON.parse(match[1] ?? "{}") as Record<string, unknown>;
    return {
      endpointUrl: info.endpointUrl as string,
      port: info.port as number,
      pid: info.pid as number,
      certificate: Buffer.from(info.certificate as string, "base64"),
      certificateThumbprint: info.certificateThumbprint as string,
      tags: info.tags as OpcuaTag[],
      readyAt,
      child,
      signal: (signal) => {
        child.kill(signal);
      },
      kill,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGCONT");
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        }
      },
    };
  };
  return { child, waitLine, kill, ready };
}

/** Starts the simulator in a child process (`node --import tsx`) and waits for its READY line. */
export async function spawnSimulator(options: ProcessSimulatorOptions, timeoutMs = 30_000): Promise<ProcessSimulator> {
  return launch(options, false).ready(timeoutMs);
}

/** Loads the simulator's modules in a child process and waits; `go()` starts it. */
export async function prepareSimulator(options: ProcessSimulatorOptions, timeoutMs = 30_000): Promise<StandbySimulator> {
  const process_ = launch(options, true);
  await process_.waitLine(/AFORO-SIM-WARM\n/, timeoutMs, "WARM");
  return {
    go: async (readyTimeoutMs = 30_000) => {
      process_.child.stdin?.write("go\n");
      return process_.ready(readyTimeoutMs);
    },
    kill: process_.kill,
  };
}

/** Every (tag, time) delivered more than once. */
export function duplicates(readings: readonly Reading[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const reading of readings) {
    const key = `${reading.tag}@${reading.time.toISOString()}`;
    if (seen.has(key)) repeated.push(key);
    seen.add(key);
  }
  return repeated;
}

/** Tags whose readings were not delivered in strictly increasing time order. */
export function outOfOrder(readings: readonly Reading[]): string[] {
  const last = new Map<string, number>();
  const bad = new Set<string>();
  for (const reading of readings) {
    const time = reading.time.getTime();
    if (time <= (last.get(reading.tag) ?? -Infinity)) bad.add(reading.tag);
    last.set(reading.tag, time);
  }
  return [...bad];
}

export function goodTags(readings: readonly Reading[], since = -Infinity): Set<string> {
  return new Set(readings.filter((r) => r.quality === 0 && r.time.getTime() >= since).map((r) => r.tag));
}

/**
 * A TCP relay between the collector and the OPC UA server that a test can cut: `cut()` resets
 * every relayed connection and refuses new ones (cable pulled / router down, the server keeps
 * running and keeps its sessions); `restore()` accepts again on the same port.
 */
export interface LinkCutter {
  readonly port: number;
  readonly endpointUrl: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** The shared TCP relay (test/helpers/tcp-proxy.ts) in front of an OPC UA server. */
export async function startLinkCutter(targetPort: number): Promise<LinkCutter> {
  const proxy = await startTcpProxy({ host: "127.0.0.1", port: targetPort });
  return {
    get port() {
      return proxy.port;
    },
    get endpointUrl() {
      return `opc.tcp://127.0.0.1:${proxy.port}`;
    },
    cut: () => proxy.cut(),
    restore: () => proxy.restore(),
    close: () => proxy.close(),
  };
}
