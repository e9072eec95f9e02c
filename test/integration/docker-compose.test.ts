import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, loadConfig } from "../../server/config";

/**
 * The production set (docker-compose.yml + Dockerfile) cannot run on the CI machine (no Docker),
 * so its wiring is checked statically: every variable the services get is one the server reads,
 * the database URL reaches the db service with its credentials, ports and health checks agree,
 * and the server accepts the app's environment.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const composeText = readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8");
const raw = parse(composeText) as ComposeFile;

type Environment = Record<string, string> | string[] | undefined;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Environment;
  ports?: (string | number | { target: number; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Dummy values for `${VAR}` / `${VAR:?err}` references, valid for loadConfig(). */
const DUMMIES: Record<string, string> = {
  AUTH_SECRET: "x".repeat(48),
  AFORO_ENCRYPTION_KEY: "0123456789abcdef".repeat(4),
  POSTGRES_PASSWORD: "dummy-password",
};

/** Compose-style interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, $$. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, op, arg, bare) => {
    if (match === "$$") return "$";
    const key = (name ?? bare) as string;
    const set = env[key];
    if (op === ":-") return set ? set : arg;
    if (op === "-") return set !== undefined ? set : arg;
    if (op === ":?" || op === "?") {
      if (set === undefined || (op === ":?" && set === "")) throw new Error(`required variable ${key} is not set: ${arg}`);
      return set;
    }
    return set ?? "";
  });
}

function interpolateDeep<T>(node: T, env: Record<string, string>): T {
  if (typeof node === "string") return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((n) => interpolateDeep(n, env)) as T;
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, env)])) as T;
  }
  return node;
}

function envMap(environment: Environment): Record<string, string> {
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const i = entry.indexOf("=");
        return i < 0 ? [entry, ""] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

function commandOf(service: Service): string[] | undefined {
  const c = service.command;
  return typeof c === "string" ? c.split(/\s+/).filter(Boolean) : c;
}

function mountTargets(service: Service): string[] {
  return (service.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":")[1]! : v.target));
}

function containerPorts(service: Service): number[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === "object") return Number(p.target);
    const parts = String(p).split(":");
    return Number(parts.at(-1)!.split("/")[0]);
  });
}

function healthUrls(service: Service): URL[] {
  const test = service.healthcheck?.test;
  const text = Array.isArray(test) ? test.join(" ") : (test ?? "");
  return [...text.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => new URL(m[0]));
}

function compose(env: Record<string, string> = DUMMIES): ComposeFile {
  return interpolateDeep(raw, env);
}

/** Dockerfile instructions (continuation lines joined). */
function dockerfile(): { op: string; args: string }[] {
  const text = readFileSync(path.join(ROOT, "Dockerfile"), "utf8").replace(/\\\r?\n/g, " ");
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l)!;
      return { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    });
}

const APP_SERVICES = ["app", "collector"] as const;

describe("docker-compose.yml (production set)", () => {
  it("defines the db, app and collector services", () => {
    expect(Object.keys(raw.services)).toEqual(expect.arrayContaining(["db", "app", "collector"]));
  });

  it("the db is a TimescaleDB image with a pg_isready health check and a named volume", () => {
    const db = compose().services.db!;
    expect(db.image).toMatch(/^timescale\/timescaledb:\d+\.\d+\.\d+-pg1[5-9]$/);
    const dbEnv = envMap(db.environment);
    expect(dbEnv.POSTGRES_PASSWORD).toBeTruthy();
    const test = db.healthcheck?.test;
    const testText = Array.isArray(test) ? test.join(" ") : String(test ?? "");
    expect(testText).toContain("pg_isready");
    if (dbEnv.POSTGRES_USER) expect(testText).toContain(dbEnv.POSTGRES_USER);
    const dataMount = (db.volumes ?? []).find((v) => (typeof v === "string" ? v.split(":")[1] : v.target) === "/var/lib/postgresql/data");
    expect(dataMount, "db volume at /var/lib/postgresql/data").toBeDefined();
    const source = typeof dataMount === "string" ? dataMount.split(":")[0]! : dataMount!.source!;
    expect(Object.keys(raw.volumes ?? {})).toContain(source);
  });

  it.each(APP_SERVICES)("%s: every environment variable is one the server reads (CONFIG_KEYS)", (name) => {
    const keys = Object.keys(envMap(raw.services[name]!.environment));
    expect(keys.length).toBeGreaterThan(0);
    const unknown = keys.filter((k) => !(CONFIG_KEYS as string[]).includes(k));
    expect(unknown, `unknown variables in ${name}`).toEqual([]);
  });

  it.each(APP_SERVICES)("%s: DATABASE_URL reaches the db service with its user, password and database", (name) => {
    // Twice: with the default password and with one from the environment, so that a password
    // hard-coded on only one side is caught.
    for (const env of [DUMMIES, { ...DUMMIES, POSTGRES_PASSWORD: "from-the-environment" }]) {
      const c = compose(env);
      const dbEnv = envMap(c.services.db!.environment);
      const url = new URL(envMap(c.services[name]!.environment).DATABASE_URL!);
      expect(url.protocol).toMatch(/^postgres(ql)?:$/);
      expect(Object.keys(c.services)).toContain(url.hostname);
      expect(url.hostname).toBe("db");
      expect(url.port || "5432").toBe("5432");
      expect(decodeURIComponent(url.username)).toBe(dbEnv.POSTGRES_USER ?? "postgres");
      expect(decodeURIComponent(url.password)).toBe(dbEnv.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB ?? dbEnv.POSTGRES_USER ?? "postgres"}`);
    }
  });

  it.each(APP_SERVICES)("%s: waits for the db and keeps its data dir on a volume", (name) => {
    const service = compose().services[name]!;
    const deps = service.depends_on;
    expect(Array.isArray(deps) ? deps : Object.keys(deps ?? {})).toContain("db");
    const dataDir = envMap(service.environment).AFORO_DATA_DIR;
    expect(dataDir).toMatch(/^\//);
    expect(mountTargets(service)).toContain(dataDir);
  });

  it("app: takes its secrets from the environment, never from the file", () => {
    const appEnv = envMap(raw.services.app!.environment);
    expect(appEnv.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?[^}]*\}$/);
    expect(appEnv.AFORO_ENCRYPTION_KEY).toMatch(/^\$\{AFORO_ENCRYPTION_KEY:\?[^}]*\}$/);
    expect(() => compose({ POSTGRES_PASSWORD: "x" })).toThrow(/required variable (AUTH_SECRET|AFORO_ENCRYPTION_KEY)/);
  });

  it("app: PORT is the published container port and the health check's port, HOST listens on all interfaces", () => {
    const app = compose().services.app!;
    const appEnv = envMap(app.environment);
    const port = Number(appEnv.PORT ?? 3000);
    expect(appEnv.HOST).toBe("0.0.0.0");
    expect(containerPorts(app)).toContain(port);
    const urls = healthUrls(app);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url.pathname).toBe("/api/health");
      expect(Number(url.port || (url.protocol === "https:" ? 443 : 80))).toBe(port);
      expect(["127.0.0.1", "localhost"]).toContain(url.hostname);
    }
    expect(app.depends_on).toMatchObject({ db: { condition: "service_healthy" } });
  });

  it("app and collector: loadConfig() accepts their environment", () => {
    const c = compose();
    const appConfig = loadConfig(envMap(c.services.app!.environment));
    expect(appConfig.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.+@db:5432\//);
    expect(appConfig.HOST).toBe("0.0.0.0");
    expect(appConfig.PORT).toBe(3000);
    expect(appConfig.AFORO_DEMO).toBe(false);
    expect(appConfig.AUTH_SECRET).toBe(DUMMIES.AUTH_SECRET);
    expect(appConfig.AFORO_ENCRYPTION_KEY).toBe(DUMMIES.AFORO_ENCRYPTION_KEY);
    const collectorConfig = loadConfig(envMap(c.services.collector!.environment));
    expect(collectorConfig.DATABASE_URL).toBe(appConfig.DATABASE_URL);
  });

  it("collector: runs `aforo collect` on the app's image with its config file mounted", () => {
    const c = compose();
    const app = c.services.app!;
    const collector = c.services.collector!;
    expect(collector.image ?? collector.build).toEqual(app.image ?? app.build);
    const command = commandOf(collector)!;
    // The bundled collector (dist/collector.mjs, `npm run build:collector`, built by the Dockerfile)
    // on plain node, with the same `collect --config` command as `aforo collect`.
    expect(command[0]).toBe("node");
    const script = command.find((arg) => arg.endsWith(".mjs"))!;
    expect(script).toBe("dist/collector.mjs");
    expect(command.slice(command.indexOf(script) + 1, command.indexOf(script) + 2)).toEqual(["collect"]);
    expect(readFileSync(path.join(ROOT, "Dockerfile"), "utf8")).toMatch(/npm run build:collector/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["build:collector"]).toBe("node collectors/build/bundle.mjs");
    expect(existsSync(path.join(ROOT, "collectors/cli.ts"))).toBe(true);
    const configPath = command[command.indexOf("--config") + 1]!;
    expect(configPath).toMatch(/^\/.+\.json$/);
    expect(mountTargets(collector).map((t) => t.replace(/:ro$/, ""))).toContain(configPath);
  });
});

describe("Dockerfile", () => {
  it("exists next to docker-compose.yml and is what app builds", () => {
    expect(existsSync(path.join(ROOT, "Dockerfile"))).toBe(true);
    const build = raw.services.app!.build;
    const context = typeof build === "string" ? build : build?.context;
    const file = typeof build === "object" ? (build.dockerfile ?? "Dockerfile") : "Dockerfile";
    expect(path.resolve(ROOT, context ?? ".", file)).toBe(path.join(ROOT, "Dockerfile"));
  });

  it("builds on node:20-bookworm-slim with npm ci + npm run build, and its CMD is the app's command", () => {
    const steps = dockerfile();
    expect(steps.find((s) => s.op === "FROM")?.args).toMatch(/^node:20(\.\d+)*-bookworm-slim\b/);
    const runs = steps.filter((s) => s.op === "RUN").map((s) => s.args);
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const build = runs.findIndex((r) => /\bnpm run build\b/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThanOrEqual(ci); // after (or in the same RUN as) npm ci
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBeTruthy();
    // package-lock.json must be in the build context for `npm ci`
    expect(existsSync(path.join(ROOT, "package-lock.json"))).toBe(true);

    const cmd = steps.filter((s) => s.op === "CMD").at(-1);
    expect(cmd).toBeDefined();
    const cmdArgs = JSON.parse(cmd!.args) as string[]; // exec form
    expect(cmdArgs).toEqual(["npx", "tsx", "server/main.ts"]);
    expect(existsSync(path.join(ROOT, cmdArgs[2]!))).toBe(true);
    const appCommand = commandOf(raw.services.app!);
    if (appCommand) expect(appCommand).toEqual(cmdArgs);

    const exposed = steps.filter((s) => s.op === "EXPOSE").flatMap((s) => s.args.split(/\s+/).map((p) => Number(p.split("/")[0])));
    expect(exposed).toContain(Number(envMap(compose().services.app!.environment).PORT ?? 3000));
  });

  it(".dockerignore keeps local installs, builds and data out of the image", () => {
    const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^\//, "").replace(/\/$/, ""));
    for (const entry of ["node_modules", ".next", "data", ".git"]) expect(ignored).toContain(entry);
    // but never the files the build needs
    for (const needed of ["package.json", "package-lock.json", "server", "app", "db", "collectors"]) expect(ignored).not.toContain(needed);
  });
});
