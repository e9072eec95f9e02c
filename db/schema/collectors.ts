import { sql } from "drizzle-orm";
import { bigint, boolean, check, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { COLLECTOR_KINDS, SECURITY_MODES, TAG_ELEMENT_TYPES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";

/**
 * Communication links (A30-MS-13): one row per collector endpoint (OPC UA server, Modbus slave
 * set, Veeder-Root console). `config` holds the protocol details (node ids, register map, poll
 * rates); secrets in it are stored encrypted by the service and masked in bitácora entries.
 */
export const collectors = pgTable(
  "collectors",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** Globally unique (collector_batches and tags refer to it by key), e.g. OPCUA-EDS-0001. */
    key: text("key").notNull().unique(),
    kind: text("kind", { enum: COLLECTOR_KINDS }).notNull(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** opc.tcp://host:port, modbus+tcp://host:502, tls://host:port… */
    endpoint: text("endpoint").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** A30-MS-14: OPC UA defaults to SignAndEncrypt; `None`/`unsecured` links are flagged and need a reason. */
    securityMode: text("security_mode", { enum: SECURITY_MODES }).notNull().default("SignAndEncrypt"),
    /** Required when security_mode is None/unsecured ("sin cifrado (limitación tecnológica)"). */
    securityReason: text("security_reason"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    checkMatches("collectors_key_check", t.key, KEY_PATTERN),
    checkIn("collectors_kind_check", t.kind, COLLECTOR_KINDS),
    checkIn("collectors_security_mode_check", t.securityMode, SECURITY_MODES),
    check("collectors_security_reason_check", sql`${t.securityMode} not in ('None', 'unsecured') or ${t.securityReason} is not null`),
  ],
);

/**
 * Measurement tags: the names under which `measurements` rows are stored. Name convention
 * `<installationKey>/<elementKey>/<variable>` (server/contracts/site.ts `tagName`).
 */
export const tags = pgTable(
  "tags",
  {
    name: text("name").primaryKey(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    elementType: text("element_type", { enum: TAG_ELEMENT_TYPES }).notNull(),
    elementKey: text("element_key").notNull(),
    /** level_mm, temperature_c, water_level_mm, density_kg_m3, flow_l_min, totalizer_l… */
    variable: text("variable").notNull(),
    /** Engineering unit of the stored value: mm, °C, kg/m3, L, L/min, kPa… */
    unit: text("unit").notNull(),
    collectorId: integer("collector_id").references(() => collectors.id),
    /** Protocol address (OPC UA `ns=1;s=…`, Modbus `hr:40001:float32be`, Veeder-Root `i201:01:volume`). */
    sourceAddress: text("source_address"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    checkIn("tags_element_type_check", t.elementType, TAG_ELEMENT_TYPES),
    checkMatches("tags_name_check", t.name, "^[^/]+/[^/]+/[^/]+$"),
  ],
);

/**
 * Collector → server batches (A30-MS-14, A30-MS-16, A30-ALM-08): the per-collector sequence number
 * makes a replayed or duplicated batch detectable (insert conflict → stored once, alarm type 4).
 * No FK to collectors: the ingest path must accept a batch before any join (like `measurements`).
 */
export const collectorBatches = pgTable(
  "collector_batches",
  {
    collectorKey: text("collector_key").notNull(),
    sequence: bigint("sequence", { mode: "number" }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    rowCount: integer("row_count").notNull(),
    /** SHA-256 (hex) of the batch payload as sent; a mismatch is an information-transmission error (type 9). */
    checksum: text("checksum").notNull(),
    firstTime: timestamptz("first_time"),
    lastTime: timestamptz("last_time"),
  },
  (t) => [
    primaryKey({ columns: [t.collectorKey, t.sequence] }),
    check("collector_batches_row_count_check", sql`${t.rowCount} >= 0`),
    check("collector_batches_sequence_check", sql`${t.sequence} >= 0`),
  ],
);
