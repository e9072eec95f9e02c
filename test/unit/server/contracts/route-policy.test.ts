import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { roleHasPermission } from "../../../../server/contracts/permissions";
import { READ_ONLY_MUTATIONS, ROUTE_POLICY, SERVER_ACTION_POLICY } from "../../../../server/contracts/route-policy";

const API_DIR = path.resolve(import.meta.dirname, "../../../../app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every `route.ts` under app/api with its URL pattern (`[id]` → `:id`, `[...x]` → `*`). */
function routeFiles(dir: string, prefix = "/api"): { file: string; url: string }[] {
  const out: { file: string; url: string }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      const segment = name.startsWith("[...") ? "*" : name.startsWith("[") ? `:${name.slice(1, -1)}` : name;
      out.push(...routeFiles(full, `${prefix}/${segment}`));
    } else if (name === "route.ts") out.push({ file: full, url: prefix });
  }
  return out;
}

/** The exported HTTP handlers of a route file and the source of each one's body. */
function handlers(source: string): Map<string, string> {
  const found = new Map<string, string>();
  const reexport = /export const \{([^}]*)\}/.exec(source);
  if (reexport) for (const m of reexport[1]!.split(",").map((s) => s.trim())) if ((METHODS as readonly string[]).includes(m)) found.set(m, "");
  const starts = [...source.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)];
  starts.forEach((m, i) => found.set(m[1]!, source.slice(m.index, starts[i + 1]?.index ?? source.length)));
  return found;
}

const routes = routeFiles(API_DIR).flatMap(({ file, url }) => [...handlers(readFileSync(file, "utf8"))].map(([method, body]) => ({ key: `${method} ${url}`, method, body, file })));

describe("every API route has exactly one rule of the A30-ACC-03 matrix (issue #5 item 7: a route without a rule fails the build)", () => {
  it("finds the routes", () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTE_POLICY).length);
  });

  it.each(routes.map((r) => [r.key, r] as const))("%s is listed and its handler asks for that permission", (key, route) => {
    const policy = ROUTE_POLICY[key];
    expect(policy, `${key} (${path.relative(API_DIR, route.file)}) no tiene regla en server/contracts/route-policy.ts`).toBeDefined();
    if (policy === "public") {
      expect(route.body).not.toMatch(/requirePermission\(/);
    } else {
      expect(route.body).toMatch(new RegExp(`requirePermission\\("${policy}"[,)]`));
    }
  });

  it("lists no route that does not exist", () => {
    const existing = new Set(routes.map((r) => r.key));
    expect(Object.keys(ROUTE_POLICY).filter((key) => !existing.has(key))).toEqual([]);
  });

  it("A30-ACC-03: the Auditor Fiscal can use no mutating route except the read-only ones, and may read every GET but user administration and the security log", () => {
    // ✘ rows of the matrix for the Auditor Fiscal that also cover reading (the security log only when granted).
    const auditorCannotRead = new Set(["manageUsers", "viewSecurityLog", "manageCertificates"]);
    for (const route of routes) {
      const policy = ROUTE_POLICY[route.key];
      if (!policy || policy === "public") continue;
      const auditorMay = roleHasPermission("auditor_fiscal", policy);
      if (route.method === "GET") expect(auditorMay, route.key).toBe(!auditorCannotRead.has(policy));
      else expect(auditorMay, route.key).toBe(READ_ONLY_MUTATIONS.has(route.key));
    }
  });
});

describe("every server action has a rule (issue #5 item 7)", () => {
  const APP_DIR = path.resolve(import.meta.dirname, "../../../../app");
  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
    });
  }
  /** "file#name" of each server action: exports of a "use server" module, and functions whose body starts with "use server". */
  const actions = sourceFiles(APP_DIR).flatMap((file) => {
    const source = readFileSync(file, "utf8");
    const rel = `app/${path.relative(APP_DIR, file).split(path.sep).join("/")}`;
    const found: string[] = [];
    if (/^\s*["']use server["'];?/.test(source)) {
      for (const m of source.matchAll(/export (?:async )?function (\w+)/g)) found.push(`${rel}#${m[1]}`);
    }
    for (const m of source.matchAll(/(?:async )?function (\w+)\([^)]*\)[^{]*\{\s*["']use server["']/g)) found.push(`${rel}#${m[1]}`);
    return found;
  });

  it("finds the server actions", () => {
    expect(actions).toContain("app/login/actions.ts#logIn");
  });

  it("lists each of them in SERVER_ACTION_POLICY, and nothing else", () => {
    expect([...actions].sort()).toEqual(Object.keys(SERVER_ACTION_POLICY).sort());
  });
});
