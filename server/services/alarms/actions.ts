import type { DatabaseTransaction } from "../../../db/client";
import { findAlarmActions, findAlarms, linkEventLogToAlarm, recordAlarmAction, type StoredAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import type { AlarmView } from "../../contracts/alarms";
import { roleHasPermission } from "../../contracts/permissions";
import { checkTransition, deriveAlarmState, type ActionRequest } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { fail, truncate, type AlarmActor, type AlarmServiceContext, type ServiceResult } from "./context";
import { readMaxShelveMs } from "./settings";
import { loadAlarmView } from "./views";

/**
 * User actions on an alarm (A30-ALM-10): acknowledge, attend (cause + corrective action, optional
 * follow-up — A30-LOG-09), shelve (bounded, with a reason), unshelve, and later follow-up notes.
 * Each runs in one transaction: the alarm_actions row (the alarm row is never touched, A30-ALM-03)
 * plus the bitácora entry naming the user (A30-LOG-05). Attending writes one entry per part —
 * cause, corrective action, follow-up — each linked to the alarm through event_log_links, so the
 * alarm detail lists them in order. The Auditor Fiscal may only view: refused here as well as in
 * the route (A30-ACC-03).
 */

const LOCK_NAMESPACE = 30_010; // pg_advisory_xact_lock(namespace, alarm id): one action at a time per alarm

const ACTION_VERBS: Record<Exclude<ActionRequest["action"], "clear">, string> = {
  acknowledge: "reconocida",
  attend: "atendida",
  shelve: "suprimida temporalmente",
  unshelve: "restablecida (fin de la supresión)",
};

export type UserAlarmAction = Exclude<ActionRequest, { action: "clear" }>;

export async function applyAlarmAction(ctx: AlarmServiceContext, alarmId: number, request: UserAlarmAction): Promise<ServiceResult<AlarmView>> {
  const { actor, now } = ctx;
  if (!roleHasPermission(actor.role, "handleAlarms")) return fail(403, "el perfil Auditor Fiscal sólo puede consultar las alarmas");
  const maxShelveMs = request.action === "shelve" ? await readMaxShelveMs(ctx.db) : undefined;
  const outcome = await ctx.db.transaction(async (tx): Promise<ServiceResult<null>> => {
    await tx.query("select pg_advisory_xact_lock($1, $2)", [LOCK_NAMESPACE, alarmId]);
    const [alarm] = await findAlarms(tx, { ids: [alarmId], limit: 1 });
    if (!alarm) return fail(404, `no existe la alarma ${alarmId}`);
    const actions = (await findAlarmActions(tx, [alarmId])).get(alarmId) ?? [];
    const state = deriveAlarmState(alarm, actions, now);
    const allowed = checkTransition(state, request, now, { maxShelveMs });
    if (!allowed.ok) return fail(allowed.code === "conflict" ? 409 : 400, allowed.error);
    await writeAction(tx, alarm, actor, request, now);
    return { ok: true, value: null };
  });
  if (!outcome.ok) return outcome;
  const view = await loadAlarmView(ctx.db, alarmId, now);
  return { ok: true, value: view! };
}

async function writeAction(tx: DatabaseTransaction, alarm: StoredAlarm, actor: AlarmActor, request: UserAlarmAction, now: Date): Promise<void> {
  const entry = (description: string, details: Record<string, unknown>) =>
    appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: truncate(description),
      component: alarm.component,
      installationId: alarm.installationId,
      details: { alarmId: alarm.id, action: request.action, ...details },
    });
  const head = `Alarma ${alarm.id} (${alarm.component}) ${ACTION_VERBS[request.action]} por ${actor.username}`;
  switch (request.action) {
    case "acknowledge": {
      const comment = request.comment?.trim() || null;
      const logged = await entry(comment ? `${head}: ${comment}` : head, { comment });
      await recordAlarmAction(tx, { alarmId: alarm.id, time: now, action: "acknowledge", userId: actor.id, reason: comment, eventLogId: logged.id });
      if (comment) await linkEventLogToAlarm(tx, logged.id, alarm.id, "note", now);
      return;
    }
    case "attend": {
      const cause = request.cause.trim();
      const correctiveAction = request.correctiveAction.trim();
      const followUp = request.followUp?.trim() || null;
      const causeEntry = await entry(`${head}. Causa probable: ${cause}`, { part: "cause", text: cause });
      await linkEventLogToAlarm(tx, causeEntry.id, alarm.id, "cause", now);
      const actionEntry = await entry(`Alarma ${alarm.id} (${alarm.component}), acción correctiva registrada por ${actor.username}: ${correctiveAction}`, {
        part: "corrective_action",
        text: correctiveAction,
      });
      await linkEventLogToAlarm(tx, actionEntry.id, alarm.id, "corrective_action", now);
      if (followUp) {
        const followUpEntry = await entry(`Alarma ${alarm.id} (${alarm.component}), seguimiento registrado por ${actor.username}: ${followUp}`, { part: "follow_up", text: followUp });
        await linkEventLogToAlarm(tx, followUpEntry.id, alarm.id, "follow_up", now);
      }
      await recordAlarmAction(tx, { alarmId: alarm.id, time: now, action: "attend", userId: actor.id, cause, correctiveAction, followUp, eventLogId: causeEntry.id });
      return;
    }
    case "shelve": {
      const reason = request.reason.trim();
      const logged = await entry(`${head} hasta ${request.until.toISOString()}: ${reason}`, { until: request.until.toISOString(), reason });
      await recordAlarmAction(tx, { alarmId: alarm.id, time: now, action: "shelve", userId: actor.id, shelvedUntil: request.until, reason, eventLogId: logged.id });
      return;
    }
    case "unshelve": {
      const reason = request.reason?.trim() || null;
      const logged = await entry(reason ? `${head}: ${reason}` : head, { reason });
      await recordAlarmAction(tx, { alarmId: alarm.id, time: now, action: "unshelve", userId: actor.id, reason, eventLogId: logged.id });
      return;
    }
  }
}

/**
 * A30-LOG-09: a later follow-up on an alarm (no state change): one bitácora entry naming the user,
 * linked to the alarm as `follow_up`.
 */
export async function addAlarmFollowUp(ctx: AlarmServiceContext, alarmId: number, text: string): Promise<ServiceResult<{ eventLogId: number }>> {
  const { actor, now } = ctx;
  if (!roleHasPermission(actor.role, "handleAlarms")) return fail(403, "el perfil Auditor Fiscal sólo puede consultar las alarmas");
  const clean = text.trim();
  if (clean.length < 3) return fail(400, "el seguimiento debe tener al menos 3 caracteres");
  return ctx.db.transaction(async (tx) => {
    const [alarm] = await findAlarms(tx, { ids: [alarmId], limit: 1 });
    if (!alarm) return fail(404, `no existe la alarma ${alarmId}`);
    const logged = await appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: truncate(`Alarma ${alarm.id} (${alarm.component}), seguimiento registrado por ${actor.username}: ${clean}`),
      component: alarm.component,
      installationId: alarm.installationId,
      details: { alarmId: alarm.id, action: "follow_up", text: clean },
    });
    await linkEventLogToAlarm(tx, logged.id, alarm.id, "follow_up", now);
    return { ok: true as const, value: { eventLogId: logged.id } };
  });
}
