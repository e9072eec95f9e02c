import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Issue #5 item 10 / A30-SEC-15: SQL is parameterised. Text interpolated into a query string is
// allowed only where it is SQL the code itself builds — identifiers from fixed maps, column lists,
// WHERE clauses made of "$n" placeholders — and each such place was reviewed. The count per file
// is pinned: a new interpolation fails here until someone checks that no input reaches it and
// updates the number.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const REVIEWED: Record<string, number> = {
  "db/client.ts": 3, // LISTEN/UNLISTEN of the code's own channel constants
  "db/repositories/alarms.ts": 1, // WHERE of "$n" placeholders
  "db/repositories/event-log.ts": 1, // WHERE of "$n" placeholders
  "db/repositories/operations.ts": 2, // column constants and "($1, $2…)" tuples
  "db/timeseries.ts": 5, // rollup relation constants, integer retention days
  "server/services/inventory/daily-cut.ts": 1, // a SQL constant (litres per unit)
  "server/services/records-integrity/index.ts": 1, // table/column names of a fixed spec
  "server/services/security/consult-security-log.ts": 2, // WHERE of "$n" placeholders, limit/offset placeholders
  "server/services/settings/settings.ts": 1, // column from a two-value map
  "server/services/settings/store.ts": 1, // optional "for update"
  "server/services/users/accounts.ts": 3, // the users column-list constant
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

describe("parameterised SQL only (A30-SEC-15)", () => {
  it("query strings interpolate only in the reviewed places", () => {
    const found: Record<string, number> = {};
    for (const dir of ["server", "db", "app", "collectors"]) {
      for (const file of files(path.join(ROOT, dir))) {
        const source = readFileSync(file, "utf8");
        for (const m of source.matchAll(/\.query(?:<[^>]*>)?\(\s*`([^`]*\$\{[^`]*)`/g)) {
          const rel = path.relative(ROOT, file).split(path.sep).join("/");
          void m;
          found[rel] = (found[rel] ?? 0) + 1;
        }
      }
    }
    expect(found).toEqual(REVIEWED);
  });
});
