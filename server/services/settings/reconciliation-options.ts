import type { SqlExecutor } from "../../../db/client";
import { toMilli, type ReconciliationOptions } from "../../domain/reconciliation/index";
import { readEffectiveSetting } from "./store";

/** Dead-bands of rules A30-INC-02 / A30-INC-04 and of the A30-INV-04 alarm as configured in /configuracion (default 0). */
export async function readReconciliationOptions(db: SqlExecutor): Promise<ReconciliationOptions> {
  const b02 = await readEffectiveSetting<number>(db, "inventory.dead_band_inc02");
  const b04 = await readEffectiveSetting<number>(db, "inventory.dead_band_inc04");
  const inv04 = await readEffectiveSetting<number>(db, "inventory.dead_band_inv04");
  return { deadBand02: toMilli(b02), deadBand04: toMilli(b04), deadBandStockDifference: toMilli(inv04) };
}
