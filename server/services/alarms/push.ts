import { z } from "zod";
import type { Database } from "../../../db/client";
import { ALARMS_CHANNEL, ALL_ALARMS_ROOM, type AlarmPushPayload } from "../../contracts/alarms";
import { installationRoom } from "../../contracts/realtime";
import type { Logger } from "../../platform/logger";
import { activeAlarmSummary, loadAlarmView } from "./views";

/**
 * A30-ALM-09: LISTENs on `aforo_alarms` (NOTIFY written with every alarm insert and action) and
 * emits `alarm` with the alarm's view and the banner counts to the installation's room and to the
 * room every authenticated browser is in. Notifications are handled one at a time, in order.
 */
const notificationSchema = z.object({
  id: z.number().int().positive(),
  event: z.enum(["raised", "acknowledge", "attend", "shelve", "unshelve", "clear"]),
});

export interface AlarmEmitter {
  to(room: string | string[]): { emit(event: "alarm", payload: AlarmPushPayload): unknown };
}

export async function startAlarmPush(options: { io: AlarmEmitter; db: Pick<Database, "listen" | "query">; logger: Logger; now?: () => Date }): Promise<() => Promise<void>> {
  const now = options.now ?? (() => new Date());
  let chain = Promise.resolve();
  return options.db.listen(ALARMS_CHANNEL, (raw) => {
    chain = chain.then(async () => {
      try {
        const notification = notificationSchema.parse(JSON.parse(raw));
        const at = now();
        const alarm = await loadAlarmView(options.db, notification.id, at);
        if (!alarm) return;
        const summary = await activeAlarmSummary(options.db, at);
        const rooms = alarm.installationKey ? [ALL_ALARMS_ROOM, installationRoom(alarm.installationKey)] : [ALL_ALARMS_ROOM];
        // One emit to the union of rooms: a browser in both receives it once.
        options.io.to(rooms).emit("alarm", { event: notification.event, alarm, summary });
      } catch (error) {
        options.logger.warn({ error: (error as Error).message }, "notificación de alarma no enviada");
      }
    });
  });
}
