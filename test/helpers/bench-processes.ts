import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { bundleCollector } from "../../collectors/build/bundle.mjs";

/**
 * Child processes of the end-to-end benchmarks (synthetic OPC UA server, collector), started with
 * `node --import tsx` so that SIGTERM/SIGKILL reach the real process — except the collector,
 * which runs from an esbuild bundle on plain `node` as deployed (collectors/build/bundle.mjs,
 * same options as `npm run build:collector`; BENCH_COLLECTOR_TSX=1 runs it under tsx instead,
 * to compare). Each prints JSON lines on stdout; `next(predicate)` waits for a matching line.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface JsonLineChild {
  child: ChildProcess;
  /** Every JSON line received so far. */
  lines: Array<Record<string, unknown>>;
  next(predicate: (line: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>>;
  send(command: string): void;
  stop(): Promise<void>;
}

export function spawnJsonLineChild(script: string, config: unknown, name: string, nodeArgs: string[] = ["--import", "tsx"]): JsonLineChild {
  const child = spawn(process.execPath, [...nodeArgs, path.join(REPO, script), JSON.stringify(config)], {
    cwd: REPO,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env },
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<(line: Record<string, unknown>) => void>();
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  createInterface({ input: child.stdout! }).on("line", (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of waiters) waiter(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    next(predicate, timeoutMs, what) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name}: timeout (${timeoutMs} ms) esperando ${what}\n${stderr.slice(-3000)}`));
        }, timeoutMs);
        const waiter = (line: Record<string, unknown>): void => {
          if (!predicate(line)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        };
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.has(waiter)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          reject(new Error(`${name} terminó (código ${code}) esperando ${what}\n${stderr.slice(-3000)}`));
        });
      });
    },
    send(command) {
      child.stdin!.write(`${command}\n`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function spawnSyntheticOpcuaServer(options: { tags: number; rateHz: number; slices?: number; prefix?: string }): JsonLineChild {
  return spawnJsonLineChild("test/helpers/synthetic-opcua-child.ts", options, "servidor OPC UA sintético");
}

export function spawnBenchCollector(config: {
  endpointUrl: string;
  tags: number;
  prefix?: string;
  databaseUrl: string;
  publishingIntervalMs?: number;
  samplingIntervalMs?: number;
  maxBatch?: number;
}): Promise<JsonLineChild> {
  return (async () => {
    if (process.env.BENCH_COLLECTOR_TSX === "1") return spawnJsonLineChild("test/helpers/bench-collector-child.ts", config, "colector (tsx)");
    const outdir = path.join(REPO, "dist/bench");
    await bundleCollector({ entryPoints: { "bench-collector-child": path.join(REPO, "test/helpers/bench-collector-child.ts") }, outdir, copyMigrations: false });
    return spawnJsonLineChild("dist/bench/bench-collector-child.mjs", config, "colector (bundle)", collectorNodeArgs());
  })();
}

/** How the collector is run in the benchmarks: plain node, plus BENCH_COLLECTOR_NODE_ARGS (space-separated) if set. */
export function collectorNodeArgs(): string[] {
  return (process.env.BENCH_COLLECTOR_NODE_ARGS ?? "").split(" ").filter(Boolean);
}
