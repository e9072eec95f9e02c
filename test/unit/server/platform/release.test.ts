import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { globalHash, parseReleaseManifest } from "../../../../server/domain/release/index";
import { RELEASE_MANIFEST_FILE, checkRelease, listShippedFiles, writeReleaseManifest } from "../../../../server/platform/release";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const NOW = new Date("2026-11-25T16:00:00.000Z");
let root: string;

function put(file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "aforo-release-"));
  put("package.json", '{"name":"aforo","version":"0.1.0"}');
  put("README.md", "# Aforo");
  put("server/main.ts", "export {};");
  put("server/domain/a.ts", "export const a = 1;");
  put("app/(panel)/layout.tsx", "export default 1;");
  put("db/migrations/0000_init.sql", "select 1;");
  put("collectors/cli.ts", "export {};");
  // Never shipped: dependencies, build output, local data, tests, CI scratch, tsbuildinfo, other roots.
  put("node_modules/x/index.js", "x");
  put("server/node_modules/y.js", "y");
  put("app/.next/cache.json", "{}");
  put(".next/server.js", "x");
  put("data/pgdata/file", "x");
  put("dist/collector.mjs", "x");
  put("test/unit/a.test.ts", "x");
  put(".ci/.work/x", "x");
  put("server/tsconfig.tsbuildinfo", "x");
  put("playwright.config.ts", "x");
  put("notes.txt", "x");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("shipped files on disk (A30-SEC-14)", () => {
  it("lists and hashes exactly the shipped files, in byte order", async () => {
    symlinkSync(path.join(root, "server/main.ts"), path.join(root, "server/link.ts"));
    const files = await listShippedFiles(root);
    expect(Object.keys(files)).toEqual([
      "README.md",
      "app/(panel)/layout.tsx",
      "collectors/cli.ts",
      "db/migrations/0000_init.sql",
      "package.json",
      "server/domain/a.ts",
      "server/main.ts",
    ]);
    expect(files["server/main.ts"]).toBe(sha("export {};"));
  });

  it("writes release-manifest.json atomically, parseable, with the global hash", async () => {
    const { manifest, file } = await writeReleaseManifest(root, "0.1.0", NOW);
    expect(file).toBe(path.join(root, RELEASE_MANIFEST_FILE));
    expect(readdirSync(root).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const parsed = parseReleaseManifest(readFileSync(file, "utf8"));
    expect(parsed).toEqual({ ok: true, manifest });
    expect(manifest.hash).toBe(globalHash(await listShippedFiles(root)));
    expect(manifest.generatedAt).toBe(NOW.toISOString());
    // The manifest does not list itself: writing it does not change the hash of the tree.
    expect(Object.keys(manifest.files)).not.toContain(RELEASE_MANIFEST_FILE);
  });

  it("checkRelease: absent, verified, then mismatch naming changed, missing and added files", async () => {
    const before = globalHash(await listShippedFiles(root));
    expect(await checkRelease(root, "0.1.0")).toEqual({ version: "0.1.0", hash: before, manifest: "absent", changed: [], missing: [], added: [] });

    const { manifest } = await writeReleaseManifest(root, "0.1.0", NOW);
    expect(await checkRelease(root, "0.1.0")).toEqual({ version: "0.1.0", hash: manifest.hash, manifest: "verified", changed: [], missing: [], added: [] });
    // Files that do not ship may change freely.
    put("test/unit/a.test.ts", "cambiado");
    put("data/pgdata/file", "cambiado");
    expect((await checkRelease(root, "0.1.0")).manifest).toBe("verified");

    put("server/main.ts", "export const puerta = 'trasera';");
    unlinkSync(path.join(root, "README.md"));
    put("app/extra.ts", "export {};");
    const altered = await checkRelease(root, "0.1.0");
    expect(altered).toMatchObject({ manifest: "mismatch", changed: ["server/main.ts"], missing: ["README.md"], added: ["app/extra.ts"] });
    expect(altered.hash).toBe(globalHash(await listShippedFiles(root)));
    expect(altered.hash).not.toBe(manifest.hash);
  });

  it("checkRelease: a manifest of another version or an edited manifest does not verify", async () => {
    await writeReleaseManifest(root, "0.0.9", NOW);
    const other = await checkRelease(root, "0.1.0");
    expect(other).toMatchObject({ manifest: "mismatch", changed: [], missing: [], added: [] });
    expect(other.reason).toBe("el manifiesto es de la versión 0.0.9, se ejecuta la 0.1.0");

    writeFileSync(path.join(root, RELEASE_MANIFEST_FILE), "{ roto");
    const broken = await checkRelease(root, "0.1.0");
    expect(broken.manifest).toBe("mismatch");
    expect(broken.reason).toMatch(/^manifiesto de versión inválido: no es JSON/);
  });
});
