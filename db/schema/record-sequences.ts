import { sql } from "drizzle-orm";
import { bigint, check, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { RECORD_REGISTERS } from "./enums";
import { checkIn } from "./internal";

/**
 * Gap-free record numbering (A30-REC-04): one counter per register and installation, incremented
 * with `update … set last_value = last_value + 1 … returning last_value` (or an upsert) inside the
 * transaction that stores the record, so the row lock serialises writers and a rollback returns
 * the number. `installation_id = 0` is the global scope used by the bitácora and the alarm
 * register (their ids are global primary keys); hence no FK on this column.
 */
export const recordSequences = pgTable(
  "record_sequences",
  {
    register: text("register", { enum: RECORD_REGISTERS }).notNull(),
    installationId: integer("installation_id").notNull(),
    lastValue: bigint("last_value", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.register, t.installationId] }),
    checkIn("record_sequences_register_check", t.register, RECORD_REGISTERS),
    check("record_sequences_installation_check", sql`${t.installationId} >= 0`),
    check("record_sequences_last_value_check", sql`${t.lastValue} >= 0`),
  ],
);
