import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * Release manifest (A30-SEC-14, A30 30.6.2 XI; A30-SEC-11, 30.6.2 VIII f): the SHA-256 of every
 * shipped file and one global hash that identifies the distributed program. The global hash is the
 * SHA-256 of the sha256sum listing sorted by path (byte order), so anyone can recompute it:
 *
 *   LC_ALL=C sha256sum $(cat file-list-sorted) | sha256sum
 *
 * i.e. over the lines `"<sha256>  <path>\n"`. Pure: no file system here (server/platform/release.ts
 * reads the files, server/services/release/verify-release.ts records the outcome).
 */
export interface ReleaseManifest {
  version: string;
  algorithm: "sha256";
  /** ISO 8601 instant the manifest was written. */
  generatedAt: string;
  /** POSIX path relative to the project root → SHA-256 (lower-case hex). */
  files: Record<string, string>;
  /** globalHash(files). */
  hash: string;
}

/** Outcome of the start-up check (what /api/health and the UI footer show). */
export type ReleaseManifestState = "verified" | "mismatch" | "absent";

export interface ReleaseStatus {
  version: string;
  /** The manifest's global hash when verified; otherwise that of the files as they are now. */
  hash: string;
  manifest: ReleaseManifestState;
  changed: string[];
  missing: string[];
  added: string[];
  /** Why a present manifest does not verify beyond file differences (bad manifest, other version). */
  reason?: string;
}

export interface ManifestComparison {
  ok: boolean;
  /** In both, with a different hash. */
  changed: string[];
  /** In the manifest, not on disk. */
  missing: string[];
  /** On disk, not in the manifest. */
  added: string[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Relative POSIX path: no leading slash, no backslash, no empty, `.` or `..` segment. */
export function isRelativePosixPath(value: string): boolean {
  if (value.length === 0 || value.startsWith("/") || value.includes("\\") || value.includes("\n") || value.includes("\0")) return false;
  return value.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** Paths in byte (code unit) order: independent of locale and of the object's key order. */
export function sortedPaths(files: Record<string, string>): string[] {
  return Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The sha256sum listing of `files`, sorted by path. */
export function sha256sumListing(files: Record<string, string>): string {
  return sortedPaths(files)
    .map((file) => `${files[file]}  ${file}\n`)
    .join("");
}

/** SHA-256 (hex) of the sorted sha256sum listing: the program's unique identifier (A30-SEC-14). */
export function globalHash(files: Record<string, string>): string {
  return createHash("sha256").update(sha256sumListing(files), "utf8").digest("hex");
}

export function buildReleaseManifest(version: string, files: Record<string, string>, now: Date): ReleaseManifest {
  const sorted: Record<string, string> = {};
  for (const file of sortedPaths(files)) sorted[file] = files[file]!;
  return { version, algorithm: "sha256", generatedAt: now.toISOString(), files: sorted, hash: globalHash(sorted) };
}

export function compareManifest(manifest: Pick<ReleaseManifest, "files">, actualFiles: Record<string, string>): ManifestComparison {
  const changed: string[] = [];
  const missing: string[] = [];
  const added: string[] = [];
  for (const file of sortedPaths(manifest.files)) {
    const actual = Object.hasOwn(actualFiles, file) ? actualFiles[file] : undefined;
    if (actual === undefined) missing.push(file);
    else if (actual !== manifest.files[file]) changed.push(file);
  }
  for (const file of sortedPaths(actualFiles)) {
    if (!Object.hasOwn(manifest.files, file)) added.push(file);
  }
  return { ok: changed.length === 0 && missing.length === 0 && added.length === 0, changed, missing, added };
}

export const releaseManifestSchema = z
  .strictObject(
    {
      version: z.string({ error: "falta version (texto)" }).trim().min(1, { error: "version no puede estar vacía" }),
      algorithm: z.literal("sha256", { error: 'algorithm debe ser "sha256"' }),
      generatedAt: z.iso.datetime({ offset: true, error: "generatedAt debe ser una fecha ISO 8601" }),
      files: z.record(z.string().refine(isRelativePosixPath), z.string().regex(SHA256_HEX, { error: "SHA-256 inválido (64 dígitos hexadecimales en minúsculas)" }), {
        error: (issue) =>
          issue.code === "invalid_type"
            ? "files debe ser un objeto ruta → SHA-256"
            : issue.code === "invalid_key"
              ? "ruta de archivo inválida (relativa, con /, sin ..)"
              : undefined,
      }),
      hash: z.string({ error: "falta hash" }).regex(SHA256_HEX, { error: "hash inválido (64 dígitos hexadecimales en minúsculas)" }),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `campos desconocidos: ${issue.keys.join(", ")}` : issue.code === "invalid_type" ? "se espera un objeto JSON" : undefined) },
  )
  .superRefine((manifest, ctx) => {
    if (Object.keys(manifest.files).length === 0) ctx.addIssue({ code: "custom", path: ["files"], message: "el manifiesto no lista ningún archivo" });
    // A manifest whose global hash does not match its own list was edited by hand.
    else if (globalHash(manifest.files) !== manifest.hash) {
      ctx.addIssue({ code: "custom", path: ["hash"], message: "el hash global no corresponde a la lista de archivos (manifiesto alterado)" });
    }
  });

export type ParsedManifest = { ok: true; manifest: ReleaseManifest } | { ok: false; error: string };

/** Parses the text of release-manifest.json; the error lists every problem in Spanish. */
export function parseReleaseManifest(text: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `manifiesto de versión inválido: no es JSON (${(error as Error).message})` };
  }
  const parsed = releaseManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(raíz)"}: ${issue.message}`);
    return { ok: false, error: `manifiesto de versión inválido: ${issues.join("; ")}` };
  }
  return { ok: true, manifest: parsed.data };
}
