import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { UCC_COMPONENTS, describeStart, describeStop, type PreviousRun, type ProcessInfo } from "../../domain/diagnostics/index";
import { truncate } from "./write";

/**
 * Server start and clean shutdown in the bitácora (A30-LOG-01 categories 2 and 3): each start
 * writes exactly one "inicio/reinicio de la UCC" entry (plus a "actualización de versión" entry
 * when the version changed); a clean stop writes an "apagado controlado" entry and leaves the
 * clean-shutdown marker. A start that finds no marker for the previous run records that run
 * ended unexpectedly (its last sign of life is the diagnostics job's last check time).
 * The marker lives in component_status row `UCC:process` (detail.startedAt / stoppedAt / version).
 */
async function readPrevious(db: Pick<Database, "query">): Promise<PreviousRun | null> {
  const [row] = await db.query<{ checked_at: Date | string; detail: Record<string, unknown> | string | null }>(
    "select checked_at, detail from component_status where component = $1",
    [UCC_COMPONENTS.process],
  );
  if (!row) return null;
  const d = (typeof row.detail === "string" ? JSON.parse(row.detail) : row.detail) as Record<string, unknown> | null;
  const date = (v: unknown) => (typeof v === "string" ? new Date(v) : null);
  return {
    startedAt: date(d?.startedAt),
    stoppedAt: date(d?.stoppedAt),
    lastSeenAt: new Date(row.checked_at),
    version: typeof d?.version === "string" ? d.version : null,
  };
}

export async function recordServerStart(db: Pick<Database, "transaction" | "query">, input: { now: Date; version: string; pid: number }): Promise<ProcessInfo & { entryIds: number[] }> {
  return db.transaction(async (tx) => {
    // Serialise concurrent starts on the same database (the row lock of the marker).
    const previous = await readPrevious(tx);
    const { entries, previousEnd } = describeStart({ ...input, previous });
    const entryIds: number[] = [];
    for (const entry of entries) {
      const written = await appendEventLog(tx, {
        time: input.now,
        username: "sistema",
        category: entry.category,
        eventType: entry.category,
        description: truncate(entry.description),
        component: UCC_COMPONENTS.process,
        details: entry.details,
      });
      entryIds.push(written.id);
    }
    const detail = { startedAt: input.now.toISOString(), stoppedAt: null, version: input.version, pid: input.pid, previousEnd };
    await tx.query(
      `insert into component_status (component, class, installation_id, state, since, checked_at, detail)
       values ($1, 'ucc', null, 'ok', $2, $2, $3)
       on conflict (component) do update set state = 'ok', since = excluded.since, checked_at = excluded.checked_at,
         detail = coalesce(component_status.detail, '{}'::jsonb) || excluded.detail`,
      [UCC_COMPONENTS.process, input.now.toISOString(), JSON.stringify(detail)],
    );
    return { startedAt: input.now, version: input.version, previousEnd, entryIds };
  });
}

export async function recordServerStop(db: Pick<Database, "transaction">, input: { now: Date; version: string; reason: string; startedAt: Date | null }): Promise<number> {
  const entry = describeStop(input);
  return db.transaction(async (tx) => {
    const written = await appendEventLog(tx, {
      time: input.now,
      username: "sistema",
      category: entry.category,
      eventType: entry.category,
      description: truncate(entry.description),
      component: UCC_COMPONENTS.process,
      details: entry.details,
    });
    await tx.query(
      `update component_status set checked_at = $2, detail = coalesce(detail, '{}'::jsonb) || jsonb_build_object('stoppedAt', $3::text)
        where component = $1`,
      [UCC_COMPONENTS.process, input.now.toISOString(), input.now.toISOString()],
    );
    return written.id;
  });
}
