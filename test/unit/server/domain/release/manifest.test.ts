import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buildReleaseManifest,
  compareManifest,
  globalHash,
  isRelativePosixPath,
  parseReleaseManifest,
  sha256sumListing,
} from "../../../../../server/domain/release/index";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const FILES = { "server/main.ts": sha("main"), "app/page.tsx": sha("page"), "package.json": sha("pkg"), "app/(panel)/layout.tsx": sha("layout") };
const NOW = new Date("2026-11-25T16:00:00.000Z");

describe("release manifest (A30-SEC-14): global hash", () => {
  it("is the SHA-256 of the sha256sum listing sorted by path (byte order)", () => {
    const listing = sha256sumListing(FILES);
    expect(listing.split("\n").filter(Boolean).map((l) => l.slice(66))).toEqual(["app/(panel)/layout.tsx", "app/page.tsx", "package.json", "server/main.ts"]);
    expect(listing).toContain(`${FILES["package.json"]}  package.json\n`);
    expect(globalHash(FILES)).toBe(sha(listing));
    expect(globalHash(FILES)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not depend on the key order of the object", () => {
    const reversed = Object.fromEntries(Object.entries(FILES).reverse());
    expect(Object.keys(reversed)).not.toEqual(Object.keys(FILES));
    expect(globalHash(reversed)).toBe(globalHash(FILES));
  });

  it("changes when one file's hash or name changes", () => {
    expect(globalHash({ ...FILES, "server/main.ts": sha("main2") })).not.toBe(globalHash(FILES));
    const { ["package.json"]: pkg, ...rest } = FILES;
    expect(globalHash({ ...rest, "package2.json": pkg })).not.toBe(globalHash(FILES));
  });

  it("builds a manifest with sorted files and the global hash", () => {
    const manifest = buildReleaseManifest("0.1.0", FILES, NOW);
    expect(manifest).toMatchObject({ version: "0.1.0", algorithm: "sha256", generatedAt: "2026-11-25T16:00:00.000Z", hash: globalHash(FILES) });
    expect(Object.keys(manifest.files)).toEqual(["app/(panel)/layout.tsx", "app/page.tsx", "package.json", "server/main.ts"]);
  });
});

describe("release manifest: comparison with the files on disk", () => {
  const manifest = buildReleaseManifest("0.1.0", FILES, NOW);

  it("ok when every file matches", () => {
    expect(compareManifest(manifest, { ...FILES })).toEqual({ ok: true, changed: [], missing: [], added: [] });
  });

  it("detects changed, missing and added files, sorted", () => {
    const { ["app/page.tsx"]: _removed, ...actual } = FILES;
    const result = compareManifest(manifest, { ...actual, "server/main.ts": sha("alterado"), "server/zz-extra.ts": sha("x"), "app/a-extra.ts": sha("y") });
    expect(result).toEqual({ ok: false, changed: ["server/main.ts"], missing: ["app/page.tsx"], added: ["app/a-extra.ts", "server/zz-extra.ts"] });
  });

  it("is not fooled by inherited object keys", () => {
    const result = compareManifest({ files: { "constructor": sha("c") } }, {});
    expect(result).toEqual({ ok: false, changed: [], missing: ["constructor"], added: [] });
    expect(compareManifest({ files: {} }, { toString: sha("t") }).added).toEqual(["toString"]);
  });
});

describe("release manifest: parsing release-manifest.json", () => {
  const good = buildReleaseManifest("0.1.0", FILES, NOW);

  it("accepts a manifest written by buildReleaseManifest", () => {
    const parsed = parseReleaseManifest(JSON.stringify(good));
    expect(parsed).toEqual({ ok: true, manifest: good });
  });

  it("rejects text that is not JSON with a Spanish message", () => {
    const parsed = parseReleaseManifest("{ no es json");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/^manifiesto de versión inválido: no es JSON/);
  });

  it("lists every bad field", () => {
    const parsed = parseReleaseManifest(
      JSON.stringify({ ...good, algorithm: "md5", generatedAt: "ayer", files: { "../etc/passwd": sha("x"), "app/x.ts": "XYZ" }, extra: 1 }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain('algorithm: algorithm debe ser "sha256"');
    expect(parsed.error).toContain("generatedAt: generatedAt debe ser una fecha ISO 8601");
    expect(parsed.error).toContain("ruta de archivo inválida");
    expect(parsed.error).toContain("files.app/x.ts: SHA-256 inválido");
    expect(parsed.error).toContain("(raíz): campos desconocidos: extra");
  });

  it("rejects a manifest whose global hash does not match its files (edited by hand)", () => {
    const parsed = parseReleaseManifest(JSON.stringify({ ...good, files: { ...good.files, "server/main.ts": sha("otro") } }));
    expect(parsed).toEqual({ ok: false, error: "manifiesto de versión inválido: hash: el hash global no corresponde a la lista de archivos (manifiesto alterado)" });
  });

  it("rejects JSON that is not an object", () => {
    for (const text of ["null", "[]", "\"manifiesto\""]) expect(parseReleaseManifest(text)).toEqual({ ok: false, error: "manifiesto de versión inválido: (raíz): se espera un objeto JSON" });
  });

  it("rejects an empty file list and a missing version", () => {
    const empty = parseReleaseManifest(JSON.stringify({ ...good, files: {}, hash: globalHash({}) }));
    expect(!empty.ok && empty.error).toContain("files: el manifiesto no lista ningún archivo");
    const { version: _version, ...noVersion } = good;
    const parsed = parseReleaseManifest(JSON.stringify(noVersion));
    expect(!parsed.ok && parsed.error).toContain("version: falta version");
  });

  it("accepts only relative POSIX paths", () => {
    expect(isRelativePosixPath("app/(panel)/layout.tsx")).toBe(true);
    for (const bad of ["", "/etc/passwd", "a/../b", "./a", "a//b", "a\\b", "a/"]) expect(isRelativePosixPath(bad)).toBe(false);
  });
});
