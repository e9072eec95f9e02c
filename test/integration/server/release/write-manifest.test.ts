import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { globalHash, parseReleaseManifest } from "../../../../server/domain/release/index";
import { RELEASE_MANIFEST_FILE, listShippedFiles } from "../../../../server/platform/release";
import { AFORO_VERSION } from "../../../../server/platform/version";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "../../../..");
const root = mkdtempSync(path.join(tmpdir(), "aforo-release-manifest-"));
for (const file of ["package.json", "README.md", "server/platform", "db/migrations", "app/api/health"]) {
  cpSync(path.join(REPO, file), path.join(root, file), { recursive: true });
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run release:manifest (A30-SEC-14)", () => {
  it("writes a parseable manifest whose global hash is globalHash(files) and prints it", async () => {
    const { stdout } = await run("npm", ["run", "--silent", "release:manifest", "--", "--root", root], { cwd: REPO, timeout: 60_000 });
    const printed = JSON.parse(stdout.trim()) as { version: string; hash: string; files: number; out: string };
    expect(path.resolve(REPO, printed.out)).toBe(path.join(root, RELEASE_MANIFEST_FILE));

    const parsed = parseReleaseManifest(readFileSync(path.join(root, RELEASE_MANIFEST_FILE), "utf8"));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { manifest } = parsed;
    expect(manifest.version).toBe(AFORO_VERSION);
    expect(manifest.hash).toBe(globalHash(manifest.files));
    expect(printed).toMatchObject({ version: AFORO_VERSION, hash: manifest.hash, files: Object.keys(manifest.files).length });
    // Same files and digests as an independent walk of the tree.
    expect(manifest.files).toEqual(await listShippedFiles(root));
    expect(manifest.files).toHaveProperty("server/platform/release.ts");
    expect(manifest.files).toHaveProperty("package.json");
  });

  it("bad arguments exit 2 with a JSON reason", async () => {
    const failure = await run("npm", ["run", "--silent", "release:manifest", "--", "--bogus"], { cwd: REPO, timeout: 60_000 }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(JSON.parse(failure!.stdout.trim()).error).toMatch(/bogus/);
  });
});
