import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * PostgreSQL for the benchmarks: BENCH_DATABASE_URL or TEST_DATABASE_URL when set; otherwise the
 * cluster of `.ci/db-local.sh` — reused if it is already running (and then left running), started
 * (and stopped by `release()`) if not. db-local.sh prints the URL as its last stdout line.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCRIPT = path.join(REPO, ".ci/db-local.sh");

export interface BenchPostgres {
  url: string;
  /** Where the URL came from. */
  source: "env" | "db-local (already running)" | "db-local (started by this run)";
  release(): void;
}

export function benchPostgres(): BenchPostgres {
  const fromEnv = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: "env", release: () => undefined };
  const lastLine = (out: string): string => out.trim().split("\n").at(-1) ?? "";
  try {
    const url = lastLine(execFileSync("bash", [SCRIPT, "status"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    if (url.startsWith("postgres://")) return { url, source: "db-local (already running)", release: () => undefined };
  } catch {
    // not running
  }
  const url = lastLine(execFileSync("bash", [SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
  if (!url.startsWith("postgres://")) throw new Error(`db-local.sh no imprimió una URL: ${url}`);
  let released = false;
  return {
    url,
    source: "db-local (started by this run)",
    release() {
      if (released) return;
      released = true;
      execFileSync("bash", [SCRIPT, "stop"], { stdio: ["ignore", "ignore", "inherit"] });
    },
  };
}
