import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { constants, createReadStream, existsSync, statSync } from "node:fs";
import { copyFile, link, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";

/**
 * Database backup (A30-LOG-01 category 1 "respaldos de información"; A30-DIAG-01 backup age).
 * PGlite: the whole data directory as a gzip tarball (`dumpDataDir`, restorable with
 * `new PGlite({ loadDataDir })`). PostgreSQL: `pg_dump --format=custom` (restorable with
 * `pg_restore`). The file is written under a temporary name next to the target and only then
 * put in place, so a failed backup leaves no half-written file and never touches the database.
 * A successful backup is recorded in the bitácora (category 1, `details.event = 'backup'`), which
 * is what the diagnostics job reads to compute the backup age (`readLastBackup`).
 */

/** Bad target (missing, a directory, an existing file without `force`): exit 2. */
export class BackupInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupInputError";
  }
}

/** The backup itself failed (pg_dump missing or failing, write error): exit 1. */
export class BackupFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupFailure";
  }
}

export interface BackupOptions {
  /** Target file (relative paths resolve against the current directory). */
  out: string | undefined;
  /** Overwrite an existing file. */
  force?: boolean;
  /** PostgreSQL engine only: the URL pg_dump connects to. */
  databaseUrl?: string;
  /** pg_dump executable (default `pg_dump`, looked up on PATH). */
  pgDumpCommand?: string;
  /** Time of the bitácora entry (injected in tests). */
  now?: () => Date;
  /** Responsible user of the bitácora entry; 'sistema' for the CLI (A30-LOG-04). */
  username?: string;
}

export interface BackupResult {
  ok: true;
  file: string;
  bytes: number;
  sha256: string;
  engine: Database["engine"];
  eventLogId: number;
}

/**
 * Validates the target before any work is done: present, not a directory, not an existing
 * file unless `force`, in an existing directory. Returns the absolute path.
 */
export function resolveBackupTarget(out: string | undefined, force = false): string {
  if (typeof out !== "string" || out.trim() === "") throw new BackupInputError("falta --out ARCHIVO: la ruta del archivo de respaldo");
  const file = path.resolve(out);
  if (/[\\/]$/.test(out) || (existsSync(file) && statSync(file).isDirectory())) {
    throw new BackupInputError(`${out} es una carpeta; indique un archivo, p. ej. --out ${path.join(out, "aforo-respaldo.backup")}`);
  }
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupInputError(`la carpeta ${dir} no existe; créela antes de respaldar`);
  if (existsSync(file) && !force) throw new BackupInputError(`el archivo ${file} ya existe; elija otro nombre o use --force para reemplazarlo`);
  return file;
}

export async function createBackup(db: Database, options: BackupOptions): Promise<BackupResult> {
  const file = resolveBackupTarget(options.out, options.force ?? false);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.partial`);
  try {
    if (db.engine === "pglite") await dumpPglite(db, temp);
    else await dumpPostgres(options.databaseUrl, options.pgDumpCommand ?? "pg_dump", temp);
    await putInPlace(temp, file, options.force ?? false);
  } finally {
    await rm(temp, { force: true });
  }

  const { size: bytes } = await stat(file);
  if (bytes === 0) throw new BackupFailure(`el respaldo ${file} quedó vacío`);
  const sha256 = await sha256OfFile(file);
  const now = options.now ?? (() => new Date());
  const name = path.basename(file);
  const entry = await db.transaction((tx) =>
    appendAdministrationEntry(tx, {
      time: now(),
      username: options.username ?? "sistema",
      description: `Respaldo de información: ${name} (${bytes} bytes, SHA-256 ${sha256})`.slice(0, 250),
      details: { event: "backup", file, bytes, sha256, engine: db.engine },
    }),
  );
  return { ok: true, file, bytes, sha256, engine: db.engine, eventLogId: entry.id };
}

/** The PGlite instance behind a `Database` (drizzle keeps it as `$client`). */
function pgliteClientOf(db: Database): { dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob> } {
  const client = (db.orm as unknown as { $client?: { dumpDataDir?: unknown } }).$client;
  if (!client || typeof client.dumpDataDir !== "function") throw new BackupFailure("no se encontró la base embebida PGlite para respaldarla");
  return client as { dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob> };
}

async function dumpPglite(db: Database, temp: string): Promise<void> {
  let blob: Blob;
  try {
    blob = await pgliteClientOf(db).dumpDataDir("gzip");
  } catch (error) {
    if (error instanceof BackupFailure) throw error;
    throw new BackupFailure(`no se pudo volcar la base embebida PGlite: ${(error as Error).message}`);
  }
  await writeFile(temp, Buffer.from(await blob.arrayBuffer()), { flag: "wx" });
}

async function dumpPostgres(databaseUrl: string | undefined, command: string, temp: string): Promise<void> {
  if (!databaseUrl) throw new BackupFailure("falta la URL de PostgreSQL (DATABASE_URL) para ejecutar pg_dump");
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    // The password travels in PGPASSWORD, not on the command line (visible to every local user in `ps`).
    const url = new URL(databaseUrl);
    const password = decodeURIComponent(url.password);
    url.password = "";
    const env = password ? { ...process.env, PGPASSWORD: password } : process.env;
    const child = spawn(command, ["--format=custom", "--file", temp, "--dbname", url.toString()], { stdio: ["ignore", "ignore", "pipe"], env });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => stderr.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new BackupFailure(`no se encontró ${command} en el PATH: instale el cliente de PostgreSQL (p. ej. apt-get install postgresql-client) de la misma versión mayor que el servidor`)
          : new BackupFailure(`no se pudo ejecutar ${command}: ${error.message}`),
      );
    });
    child.on("close", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    const reason = stderr.join("").trim().split("\n").slice(-3).join(" ").replaceAll(databaseUrl, "<DATABASE_URL>");
    throw new BackupFailure(`pg_dump falló (código ${code ?? "señal"}): ${reason || "sin mensaje"}; la base de datos no se modificó`);
  }
}

/** Without `force` the target must still be absent (link/COPYFILE_EXCL refuse to overwrite). */
async function putInPlace(temp: string, file: string, force: boolean): Promise<void> {
  try {
    if (force) {
      await copyFile(temp, file);
      return;
    }
    try {
      await link(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw error;
      await copyFile(temp, file, constants.COPYFILE_EXCL);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new BackupInputError(`el archivo ${file} ya existe; elija otro nombre o use --force para reemplazarlo`);
    throw new BackupFailure(`no se pudo escribir ${file}: ${(error as Error).message}`);
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
