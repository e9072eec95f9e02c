import type { Database } from "../../../db/client";
import { appendEventLog, searchEventLog, type EventLogListItem } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY, EVENT_CATEGORY_LABELS, EVENT_TYPE_LABELS, type EventCategory } from "../../domain/event-log/index";
import type { EventLogQuery, NewEntryInput } from "./inputs";

/**
 * The bitácora as users see and write it: consultation with filters, itself recorded as
 * "revisión de bitácora" (A30-LOG-03), manual entries (A30-LOG-02, A30-LOG-09) and verification
 * visits (A30-LOG-11). Permission checks are the route's (server/http/authorize.ts).
 */
export interface Actor {
  userId: number;
  username: string;
}

/** Local day boundaries of date-only filters: Mexico's central time (UTC−06:00, no DST since 2022). */
const DEFAULT_OFFSET = "-06:00";
const DEFAULT_TIME_ZONE = "America/Mexico_City";

function startOf(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00${DEFAULT_OFFSET}` : value);
}

function endOf(value: string): Date {
  if (value.length !== 10) return new Date(value);
  return new Date(new Date(`${value}T00:00:00${DEFAULT_OFFSET}`).getTime() + 86_400_000);
}

export interface EventLogView {
  /** Unique consecutive number (A30-LOG-04 field 1). */
  number: number;
  /** Date and time of the event, in Mexico's central time, and the instant (ISO-8601). */
  date: string;
  hour: string;
  time: string;
  username: string;
  category: number | null;
  categoryLabel: string;
  eventType: number;
  eventTypeLabel: string;
  description: string;
  component: string | null;
  installation: string | null;
  details: Record<string, unknown> | null;
}

const dateFormat = new Intl.DateTimeFormat("en-CA", { timeZone: DEFAULT_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
const hourFormat = new Intl.DateTimeFormat("en-GB", { timeZone: DEFAULT_TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

export function toView(entry: EventLogListItem): EventLogView {
  return {
    number: entry.id,
    date: dateFormat.format(entry.time),
    hour: hourFormat.format(entry.time),
    time: entry.time.toISOString(),
    username: entry.username,
    category: entry.category,
    categoryLabel: entry.category === null ? "otro" : EVENT_CATEGORY_LABELS[entry.category as EventCategory] ?? String(entry.category),
    eventType: entry.eventType,
    eventTypeLabel: EVENT_TYPE_LABELS[entry.eventType] ?? String(entry.eventType),
    description: entry.description,
    component: entry.component,
    installation: entry.installationKey,
    details: entry.details,
  };
}

export async function consultEventLog(
  db: Pick<Database, "transaction">,
  actor: Actor,
  query: EventLogQuery,
  now: Date,
): Promise<{ total: number; page: number; pageSize: number; reviewEntry: number; entries: EventLogView[] }> {
  return db.transaction(async (tx) => {
    const filters = { from: query.from, to: query.to, category: query.category, user: query.user, q: query.q, page: query.page };
    const review = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: "Revisión de bitácora",
      details: { action: "revision_bitacora", filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) },
    });
    const result = await searchEventLog(tx, {
      from: query.from ? startOf(query.from) : undefined,
      to: query.to ? endOf(query.to) : undefined,
      category: query.category,
      username: query.user,
      text: query.q,
      page: query.page,
      pageSize: query.pageSize,
    });
    return { total: result.total, page: query.page, pageSize: query.pageSize, reviewEntry: review.id, entries: result.entries.map(toView) };
  });
}

export class EntryTargetNotFound extends Error {}

/** Writes a user's entry: manual (A30-LOG-02, optionally linked, A30-LOG-09) or a verification visit (A30-LOG-11). */
export async function addUserEntry(db: Pick<Database, "transaction">, actor: Actor, input: NewEntryInput, now: Date): Promise<{ number: number }> {
  return db.transaction(async (tx) => {
    if (input.kind === "verification") {
      const who = input.authority === "autoridad_fiscal" ? "la autoridad fiscal" : "proveedor autorizado";
      const entry = await appendEventLog(tx, {
        time: now,
        userId: actor.userId,
        username: actor.username,
        category: EVENT_CATEGORY.verifications,
        eventType: EVENT_CATEGORY.verifications,
        description: `Verificación de ${who} ${input.name} (RFC ${input.rfc}), folio ${input.folio}, del ${input.date}: ${input.scope}`.slice(0, 250),
        details: { visit: { date: input.date, authority: input.authority, name: input.name, rfc: input.rfc, folio: input.folio, scope: input.scope } },
      });
      return { number: entry.id };
    }
    if (input.link) {
      const [target] = input.link.alarmId
        ? await tx.query("select 1 from alarms where id = $1", [input.link.alarmId])
        : input.link.inventoryCutId
          ? await tx.query("select 1 from inventory_cuts where id = $1", [input.link.inventoryCutId])
          : await tx.query("select 1 from operations where id = $1", [input.link.operationId]);
      if (!target) throw new EntryTargetNotFound("el registro a vincular no existe");
    }
    const category = input.category === "otro" ? null : input.category;
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category,
      // Unclassified entries ("otro") have no SAT type of their own: reported as daily operations (5).
      eventType: category ?? EVENT_CATEGORY.dailyOperations,
      description: input.description,
      component: input.component ?? null,
      details: { manual: true, ...(category === null ? { classification: "otro" } : {}), ...(input.link ? { link: input.link } : {}) },
    });
    if (input.link) {
      await tx.query("insert into event_log_links (event_log_id, kind, alarm_id, inventory_cut_id, operation_id) values ($1, $2, $3, $4, $5)", [
        entry.id,
        input.link.kind,
        input.link.alarmId ?? null,
        input.link.inventoryCutId ?? null,
        input.link.operationId ?? null,
      ]);
    }
    return { number: entry.id };
  });
}
