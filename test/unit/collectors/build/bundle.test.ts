import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as fullOpcua from "node-opcua";
import * as clientOnly from "../../../../collectors/build/node-opcua-client";
import { bundleCollector, REPO } from "../../../../collectors/build/bundle.mjs";

/** Every value the collector's OPC UA modules import from "node-opcua" (the bundle maps it to the client-only shim). */
function valuesImportedFromNodeOpcua(): string[] {
  const dir = path.join(REPO, "collectors/drivers/opcua");
  const names = new Set<string>();
  for (const file of ["browse.ts", "connection.ts", "continuity.ts", "data-value.ts", "errors.ts", "opcua-driver.ts", "pki.ts", "watchdog.ts"]) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"node-opcua"/g)) {
      for (const part of match[1]!.split(",")) {
        const name = part.trim();
        if (!name || name.startsWith("type ")) continue;
        names.add(name.split(/\s+as\s+/)[0]!.trim());
      }
    }
  }
  return [...names].sort();
}

describe("collector bundle (npm run build:collector)", () => {
  it("the client-only node-opcua shim exports the very same objects the drivers use", () => {
    const names = valuesImportedFromNodeOpcua();
    expect(names).toEqual(expect.arrayContaining(["OPCUAClient", "OPCUACertificateManager", "MessageSecurityMode", "DataChangeFilter"]));
    for (const name of names) {
      expect((clientOnly as Record<string, unknown>)[name], name).toBeDefined();
      expect((clientOnly as Record<string, unknown>)[name], name).toBe((fullOpcua as Record<string, unknown>)[name]);
    }
  });

  it("builds dist/collector.mjs with the migrations, and it answers bad input with JSON and exit 2 on plain node", async () => {
    const outdir = mkdtempSync(path.join(REPO, "dist-test-"));
    try {
      await bundleCollector({ outdir });
      expect(existsSync(path.join(outdir, "collector.mjs"))).toBe(true);
      expect(existsSync(path.join(outdir, "migrations/meta/_journal.json"))).toBe(true);
      const missing = spawnSync(process.execPath, [path.join(outdir, "collector.mjs"), "collect"], { encoding: "utf8" });
      expect(missing.status).toBe(2);
      expect(JSON.parse(missing.stdout.trim().split("\n")[0]!)).toMatchObject({ error: "falta --config ARCHIVO.json" });
      const unknown = spawnSync(process.execPath, [path.join(outdir, "collector.mjs"), "serve"], { encoding: "utf8" });
      expect(unknown.status).toBe(2);
      const badFile = path.join(mkdtempSync(path.join(tmpdir(), "aforo-bad-")), "c.json");
      const unreadable = spawnSync(process.execPath, [path.join(outdir, "collector.mjs"), "collect", "--config", badFile], { encoding: "utf8" });
      expect(unreadable.status).toBe(2);
      expect(unreadable.stdout).toContain("no se pudo leer");
      // node-opcua is not loaded for any of these answers (it would print a warning on stdout).
      expect(missing.stdout + unknown.stdout + unreadable.stdout).not.toContain("NODE-OPCUA");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
