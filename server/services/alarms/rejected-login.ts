import type { Database } from "../../../db/client";
import { raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, ALARM_TYPE_INFO } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { truncate } from "./context";

/**
 * A30-ALM-07: every rejected log-in is one alarm record of type 10 with the attempted user name
 * and the source IP, plus its bitácora entry (category 5, access; SAT code 20), in one transaction.
 * The UI groups repeated rejections of one user within 15 minutes; every record is kept.
 */
export interface RejectedLogin {
  username: string;
  ip: string;
  userAgent?: string | null;
}

export async function recordRejectedLogin(db: Pick<Database, "transaction">, attempt: RejectedLogin, now: Date): Promise<{ alarmId: number; eventLogId: number }> {
  const username = truncate(attempt.username || "(sin usuario)", 64);
  const ip = truncate(attempt.ip || "desconocida", 64);
  const description = truncate(`Inicio de sesión rechazado para el usuario "${username}" desde ${ip}`);
  const details = { username, ip, userAgent: attempt.userAgent ? truncate(attempt.userAgent, 200) : null };
  return db.transaction(async (tx) => {
    const entry = await appendEventLog(tx, {
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.dailyOperations,
      eventType: ALARM_TYPE_INFO[ALARM_TYPE.rejectedLogin].satEventCode!,
      description,
      component: "UCC",
      details,
    });
    const alarm = await raiseAlarm(tx, {
      time: now,
      occurredAt: now,
      component: "UCC",
      type: ALARM_TYPE.rejectedLogin,
      severity: "medium",
      description,
      eventLogId: entry.id,
      details,
    });
    return { alarmId: alarm.id, eventLogId: entry.id };
  });
}

/** Source IP of a log-in request: first x-forwarded-for hop (Next.js fills it from the socket), else x-real-ip. */
export function clientIpOf(headers: Pick<Headers, "get"> | undefined | null): string {
  const forwarded = headers?.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  if (first) return first.replace(/^::ffff:/, "");
  const real = headers?.get("x-real-ip")?.trim();
  return real ? real.replace(/^::ffff:/, "") : "desconocida";
}
