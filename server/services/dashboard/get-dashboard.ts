import type { SqlExecutor } from "../../../db/client";
import { listInstallationsWithTanks } from "../../../db/repositories/installations";
import type { InstallationView, TankAlarmsView } from "../../contracts/dashboard";
import { loadAlarmViews } from "../alarms/views";

/**
 * Dashboard data (A30-ACC-07): installations, tanks, latest readings, and for each tank the alarms
 * that need attention (raised on the tank or on one of its measurement systems), so an operator
 * sees a tank's volume and its active alarms without navigating. Viewing is allowed to all four
 * profiles (A30-ACC-03); it is not a consultation of the alarm register.
 */
export async function getDashboard(ctx: { db: SqlExecutor; now: Date }): Promise<InstallationView[]> {
  const installations = await listInstallationsWithTanks(ctx.db);
  const systems = await ctx.db.query<{ tank_key: string; system_key: string }>(
    `select t.key as tank_key, m.key as system_key from measurement_systems m join tanks t on t.id = m.tank_id where m.tank_id is not null`,
  );
  const tankOfComponent = new Map<string, string>(systems.map((s) => [s.system_key, s.tank_key]));
  for (const installation of installations) for (const tank of installation.tanks) tankOfComponent.set(tank.key, tank.key);
  const open = (await loadAlarmViews(ctx.db, { openOnly: true, limit: 10_000 }, ctx.now)).filter((a) => a.state.needsAttention);
  const byTank = new Map<string, TankAlarmsView>();
  for (const alarm of open.sort((a, b) => b.number - a.number)) {
    const tankKey = tankOfComponent.get(alarm.component);
    if (!tankKey) continue;
    const current = byTank.get(tankKey);
    byTank.set(tankKey, { count: (current?.count ?? 0) + 1, latest: current?.latest ?? alarm.description });
  }
  return installations.map((installation) => ({
    ...installation,
    tanks: installation.tanks.map((tank) => ({ ...tank, activeAlarms: byTank.get(tank.key) ?? { count: 0, latest: null } })),
  }));
}
