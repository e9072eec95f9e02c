import { constants } from "node:fs";
import { access, mkdir, open, readdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../../../db/client";
import type { Job } from "../../jobs/scheduler";
import type { Logger } from "../../platform/logger";
import { SYSTEM_ACTOR } from "./common";
import { importCfdi, MAX_CFDI_BYTES } from "./import";
import { runCfdiMatching } from "./links";

/**
 * Watched folder of CFDI (issue #6 item 1): `<AFORO_DATA_DIR>/cfdi-entrada/`. Every scan (30 s):
 *  - each `*.xml` regular file (not hidden, not a symlink) whose size and modification time are
 *    the same as at the previous scan — i.e. no longer being written — is imported as 'sistema'
 *    through importCfdi (the same rules as an upload, A30-CFDI-07);
 *  - imported → moved to `procesados/`; rejected → moved to `rechazados/` with
 *    `<name>.motivo.txt` beside it (the reason). Input is never deleted; a name already taken in
 *    the target gets a `-2`, `-3`… suffix. An unexpected error (database down) leaves the file
 *    where it is, for the next scan;
 *  - then the automatic matching runs over everything still unlinked, so a CFDI imported before
 *    its reception was recorded gets linked when the reception appears (A30-CFDI-05).
 */

export const CFDI_INBOX_DIR = "cfdi-entrada";
export const PROCESSED_DIR = "procesados";
export const REJECTED_DIR = "rechazados";

export interface CfdiInboxOptions {
  dataDir: string;
  logger?: Logger;
  /** Scan period; default 30 s. */
  everyMs?: number;
}

export interface InboxScanSummary {
  imported: Array<{ file: string; uuid: string; cfdiId: number }>;
  rejected: Array<{ file: string; reason: string }>;
  /** Seen for the first time or still changing: imported at a later scan. */
  waiting: string[];
  errors: Array<{ file: string; error: string }>;
  /** Automatic links made by the matching after the scan. */
  links: number;
}

export interface CfdiInbox {
  readonly dir: string;
  scan(now: Date): Promise<InboxScanSummary>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** A free name in `dir`: `name`, else `stem-2.ext`, `stem-3.ext`… (and its .motivo.txt must be free too). */
async function freeName(dir: string, name: string, withReason: boolean): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? name : `${stem}-${n}${ext}`;
    if (!(await exists(path.join(dir, candidate))) && !(withReason && (await exists(path.join(dir, `${candidate}.motivo.txt`))))) return candidate;
  }
}

/** Reads at most `max` + 1 bytes: a huge file is refused without loading it. */
async function readBounded(file: string, max: number): Promise<Buffer | null> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > max ? null : buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

export function createCfdiInbox(db: Database, options: CfdiInboxOptions): CfdiInbox {
  const dir = path.join(path.resolve(options.dataDir), CFDI_INBOX_DIR);
  const processed = path.join(dir, PROCESSED_DIR);
  const rejected = path.join(dir, REJECTED_DIR);
  /** Size and mtime of each pending file at the previous scan. */
  const seen = new Map<string, { size: number; mtimeMs: number }>();

  async function moveTo(target: string, name: string, withReason: boolean): Promise<string> {
    const free = await freeName(target, name, withReason);
    await rename(path.join(dir, name), path.join(target, free));
    return free;
  }

  async function reject(name: string, reason: string, now: Date, summary: InboxScanSummary): Promise<void> {
    const moved = await moveTo(rejected, name, true);
    await writeFile(path.join(rejected, `${moved}.motivo.txt`), `Archivo: ${name}\nFecha: ${now.toISOString()}\nMotivo: ${reason}\n`, "utf8");
    summary.rejected.push({ file: name, reason });
    options.logger?.warn({ file: name, reason }, "CFDI rechazado de la carpeta de entrada");
  }

  return {
    dir,
    async scan(now) {
      const summary: InboxScanSummary = { imported: [], rejected: [], waiting: [], errors: [], links: 0 };
      await mkdir(processed, { recursive: true });
      await mkdir(rejected, { recursive: true });
      const entries = await readdir(dir, { withFileTypes: true });
      const present = new Set<string>();
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isFile() || entry.name.startsWith(".") || !/\.xml$/i.test(entry.name)) continue;
        const name = entry.name;
        present.add(name);
        let info;
        try {
          info = await stat(path.join(dir, name));
        } catch {
          continue;
        }
        const previous = seen.get(name);
        const current = { size: info.size, mtimeMs: info.mtimeMs };
        if (!previous || previous.size !== current.size || previous.mtimeMs !== current.mtimeMs) {
          seen.set(name, current);
          summary.waiting.push(name);
          continue;
        }
        try {
          const bytes = info.size > MAX_CFDI_BYTES ? null : await readBounded(path.join(dir, name), MAX_CFDI_BYTES);
          if (bytes === null) {
            await reject(name, `archivo demasiado grande: más de ${MAX_CFDI_BYTES} bytes (máximo 5 MiB)`, now, summary);
          } else {
            const result = await importCfdi(db, SYSTEM_ACTOR, { fileName: name, xml: bytes }, now);
            if (result.ok) {
              await moveTo(processed, name, false);
              summary.imported.push({ file: name, uuid: result.uuid, cfdiId: result.cfdiId });
              summary.links += result.links.length;
            } else {
              await reject(name, result.reason, now, summary);
            }
          }
          seen.delete(name);
        } catch (error) {
          summary.errors.push({ file: name, error: (error as Error).message });
          options.logger?.error({ file: name, error: (error as Error).message }, "no se pudo procesar el CFDI de la carpeta de entrada; se reintenta");
        }
      }
      for (const name of [...seen.keys()]) if (!present.has(name)) seen.delete(name);
      const matching = await runCfdiMatching(db, now);
      summary.links += matching.links.length;
      return summary;
    },
  };
}

/** The scheduled job (server/start-server.ts `jobs`): `jobs.push(cfdiInboxJob(db, { dataDir, logger }))`. */
export function cfdiInboxJob(db: Database, options: CfdiInboxOptions): Job {
  const inbox = createCfdiInbox(db, options);
  return {
    name: "carpeta de CFDI",
    everyMs: options.everyMs ?? 30_000,
    runAtStart: true,
    run: (now) => inbox.scan(now),
  };
}
