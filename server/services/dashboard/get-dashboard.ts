import type { SqlExecutor } from "../../../db/client";
import { listInstallationsWithTanks } from "../../../db/repositories/installations";
import type { InstallationView } from "../../contracts/dashboard";

/** Dashboard data (A30-ACC-07). Viewing is allowed to all four profiles (A30-ACC-03). */
export async function getDashboard(ctx: { db: SqlExecutor }): Promise<InstallationView[]> {
  return listInstallationsWithTanks(ctx.db);
}
