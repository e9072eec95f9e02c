import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "../../../db/client";
import * as schema from "../../../db/schema/index";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { DEMO_USERS, seedDemo } from "../../../db/seed/demo";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import { ROLE_KEYS } from "../../../server/contracts/roles";
import { DERIVED_TANK_VARIABLES, TANK_VARIABLES } from "../../../server/contracts/site";
import { verifyPassword } from "../../../server/platform/password-hash";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

const NOW = new Date("2026-11-01T12:00:00.000Z");
const LATER = new Date("2026-11-02T08:30:00.000Z");

const schemaTableNames = Object.values(schema as Record<string, unknown>)
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table))
  .sort();

/** Tables whose content a demo seed writes (the idempotency check fingerprints all of them). */
const SEEDED_TABLES = [
  "roles",
  "products",
  "sub_products",
  "product_sub_products",
  "taxpayers",
  "installations",
  "installation_products",
  "tanks",
  "strapping_tables",
  "measurement_systems",
  "dispensers",
  "hoses",
  "ducts",
  "collectors",
  "tags",
  "users",
  "password_history",
  "event_log",
] as const;

async function fingerprint(db: Database): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of SEEDED_TABLES) {
    const [row] = await db.query<{ n: number; digest: string | null }>(
      `select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as digest from ${table} t`,
    );
    result[table] = `${row?.n}:${row?.digest}`;
  }
  return result;
}

async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return row?.n ?? -1;
}

/** Runs a statement that must fail with the named constraint. */
async function expectRejected(db: Database, sql: string, params: unknown[], constraint: string): Promise<void> {
  let failure: unknown = null;
  try {
    await db.query(sql, params);
  } catch (error) {
    failure = error;
  }
  expect(failure, `se esperaba el rechazo por ${constraint}`).not.toBeNull();
  const err = failure as { message?: string; constraint?: string; cause?: { message?: string; constraint?: string } };
  const text = [err.constraint, err.message, err.cause?.constraint, err.cause?.message].join(" ");
  expect(text).toContain(constraint);
}

test("schema vocabularies match the contracts (A30-ACC-02)", () => {
  expect([...schema.ROLE_KEYS]).toEqual([...ROLE_KEYS]);
  expect(schemaTableNames.length).toBeGreaterThanOrEqual(50);
});

describe.each(testEngines)("database schema on %s", (engine) => {
  let handle: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });

  afterAll(async () => {
    await handle?.close();
  });

  test("migrations create every table of db/schema", async () => {
    const missing: string[] = [];
    for (const name of schemaTableNames) {
      const [row] = await db.query<{ oid: string | null }>("select to_regclass($1)::text as oid", [name]);
      if (!row?.oid) missing.push(name);
    }
    expect(missing).toEqual([]);
    for (const required of ["event_log", "alarms", "alarm_actions", "measurements", "measurement_rollup_1m", "record_sequences", "operations", "inventory_cuts"]) {
      expect(schemaTableNames).toContain(required);
    }
  });

  test("measurements has exactly the ingest columns and key (tag, time)", async () => {
    const columns = await db.query<{ column_name: string; data_type: string; is_nullable: string }>(
      "select column_name, data_type, is_nullable from information_schema.columns where table_name = 'measurements' and table_schema = current_schema() order by ordinal_position",
    );
    expect(columns).toEqual([
      { column_name: "time", data_type: "timestamp with time zone", is_nullable: "NO" },
      { column_name: "tag", data_type: "text", is_nullable: "NO" },
      { column_name: "value", data_type: "double precision", is_nullable: "NO" },
      { column_name: "quality", data_type: "smallint", is_nullable: "NO" },
    ]);
    await db.query("insert into measurements (time, tag, value) values ($1, 'EDS-0001/TQS-EDS-0001/level_mm', 1234.5)", [NOW]);
    const [row] = await db.query<{ quality: number }>("select quality from measurements where tag = 'EDS-0001/TQS-EDS-0001/level_mm'");
    expect(row?.quality).toBe(0);
    await expectRejected(db, "insert into measurements (time, tag, value) values ($1, 'EDS-0001/TQS-EDS-0001/level_mm', 1)", [NOW], "measurements_tag_time_pk");
    await expectRejected(db, "insert into measurements (time, tag, value, quality) values ($1, 'x/y/z', 1, 3)", [NOW], "measurements_quality_check");
  });

  test("catalogues: four roles and the SAT products (A30-ACC-02, A30-GEN-05)", async () => {
    await seedCatalogs(db);
    await seedCatalogs(db);
    const roles = await db.query<{ key: string; name_es: string }>("select key, name_es from roles order by key");
    expect(roles.map((r) => r.key).sort()).toEqual([...ROLE_KEYS].sort());
    expect(roles.find((r) => r.key === "auditor_fiscal")?.name_es).toBe("Auditor Fiscal");
    const products = await db.query<{ key: string; class: string; physical_state: string; reference_temperature_c: string; unit: string }>(
      "select key, class, physical_state, reference_temperature_c::text, unit from products order by key",
    );
    expect(products).toHaveLength(15);
    const byKey = new Map(products.map((p) => [p.key, p]));
    for (const key of ["PR08", "PR09", "PR10"]) {
      expect(byKey.get(key)).toMatchObject({ class: "hidrocarburo", reference_temperature_c: "15.56" });
    }
    for (const key of ["PR03", "PR07", "PR11", "PR12", "PR14"]) {
      expect(byKey.get(key)).toMatchObject({ class: "petrolifero", physical_state: "liquid", reference_temperature_c: "20.00", unit: "UM03" });
    }
    expect(byKey.get("PR09")?.physical_state).toBe("gas");
    expect(byKey.get("PR08")?.unit).toBe("UM01");
    expect(await count(db, "sub_products")).toBe(49);
    const crude = await db.query<{ n: number }>("select count(*)::int as n from product_sub_products where product_key = 'PR08'");
    expect(crude[0]?.n).toBe(15);
    await expectRejected(db, "insert into products (key, name, class, physical_state, reference_temperature_c, unit) values ('PR99', 'x', 'petrolifero', 'liquid', 25, 'UM03')", [], "products_reference_temperature_check");
  });

  test("seedDemo creates the demo site and is idempotent", async () => {
    await seedDemo(db, DEMO_SITE, { now: NOW });
    const first = await fingerprint(db);
    await seedDemo(db, DEMO_SITE, { now: LATER });
    const second = await fingerprint(db);
    expect(second).toEqual(first);

    expect(await count(db, "installations")).toBe(2);
    expect(await count(db, "tanks")).toBe(9);
    expect(await count(db, "dispensers")).toBe(4);
    expect(await count(db, "hoses")).toBe(8);
    expect(await count(db, "ducts")).toBe(2);
    expect(await count(db, "tags")).toBe(9 * (TANK_VARIABLES.length + DERIVED_TANK_VARIABLES.length));
    expect(await count(db, "tags")).toBe(63);
    expect(await count(db, "users")).toBe(4);
    expect(await count(db, "password_history")).toBe(4);
    expect(await count(db, "strapping_tables")).toBe(9);
    expect(await count(db, "measurement_systems")).toBe(9 + 4 + 2);
    expect(await count(db, "collectors")).toBe(2);
    // Seeding never writes the bitácora (its writer owns the hash chain).
    expect(await count(db, "event_log")).toBe(0);

    const systems = await db.query<{ key: string; kind: string; technology: string }>("select key, kind, technology from measurement_systems order by key");
    expect(systems.find((s) => s.key === "SME-STQ-EDS-0001")).toMatchObject({ kind: "static", technology: "magnetostrictive" });
    expect(systems.find((s) => s.key === "SME-STQ-TDA-0001")).toMatchObject({ kind: "static", technology: "radar" });
    expect(systems.find((s) => s.key === "SMD-DISP-0001")).toMatchObject({ kind: "dynamic", technology: "positive_displacement" });
    expect(systems.find((s) => s.key === "SMD-DUC-TRA-0001")).toMatchObject({ kind: "dynamic", technology: "turbine" });
    expect(systems.find((s) => s.key === "SMD-DUC-CAR-0001")).toMatchObject({ kind: "dynamic", technology: "coriolis" });

    const [tag] = await db.query<{ source_address: string; unit: string; endpoint: string }>(
      "select t.source_address, t.unit, c.endpoint from tags t join collectors c on c.id = t.collector_id where t.name = 'EDS-0001/TQS-EDS-0001/level_mm'",
    );
    expect(tag).toMatchObject({ unit: "mm", endpoint: `opc.tcp://127.0.0.1:${DEMO_SITE.opcua.port}` });
    // OPC UA string NodeId of the tag in the simulator's namespace (`ns=<index>;s=<tag>` or `nsu=<uri>;s=<tag>`).
    expect(tag?.source_address).toMatch(/^(ns=\d+|nsu=[^;]+);s=EDS-0001\/TQS-EDS-0001\/level_mm$/);

    const [strapping] = await db.query<{ version: number; valid_from: Date; first: { levelMm: number; volumeL: number }; points: number; total: string }>(
      `select s.version, s.valid_from, s.points -> 0 as first, jsonb_array_length(s.points) as points, t.capacity_total_l::text as total
       from strapping_tables s join tanks t on t.id = s.tank_id where t.key = 'TQS-EDS-0001'`,
    );
    expect(strapping?.version).toBe(1);
    expect(new Date(strapping!.valid_from).toISOString()).toBe("2026-01-01T06:00:00.000Z");
    expect(strapping?.first).toEqual({ levelMm: 0, volumeL: 0 });
    expect(strapping?.points).toBe(291); // 2 900 mm in 10 mm steps, both ends included

    const hoses = await db.query<{ key: string; tank: string; product_key: string }>(
      "select h.key, t.key as tank, h.product_key from hoses h join tanks t on t.id = h.tank_id where h.key like 'DISP-0002-%' order by h.key",
    );
    expect(hoses).toEqual([
      { key: "DISP-0002-MGA-0001", tank: "TQS-EDS-0001", product_key: "PR07" },
      { key: "DISP-0002-MGA-0002", tank: "TQS-EDS-0003", product_key: "PR03" },
    ]);

    const users = await db.query<{ username: string; role: string; password_hash: string; must_change_password: boolean; history: string }>(
      `select u.username, u.role, u.password_hash, u.must_change_password, h.password_hash as history
       from users u join password_history h on h.user_id = u.id order by u.username`,
    );
    expect(users).toHaveLength(4);
    for (const demo of DEMO_USERS) {
      const user = users.find((u) => u.username === demo.username);
      expect(user, demo.username).toBeDefined();
      expect(user!.role).toBe(demo.role);
      expect(user!.must_change_password).toBe(false);
      expect(user!.history).toBe(user!.password_hash);
      expect(user!.password_hash).not.toContain(demo.password);
      expect(await verifyPassword(demo.password, user!.password_hash)).toBe(true);
      expect(await verifyPassword(`${demo.password}x`, user!.password_hash)).toBe(false);
    }
  });

  test("check constraints reject bad values", async () => {
    const [tank] = await db.query<{ id: number; installation_id: number }>("select id, installation_id from tanks where key = 'TQS-EDS-0001'");
    expect(tank).toBeDefined();
    const tankId = tank!.id;
    const installationId = tank!.installation_id;

    // A30-MS-07: uncertainty outside 0–100 %.
    await expectRejected(
      db,
      `insert into measurement_systems (installation_id, key, kind, element_type, tank_id, technology, description, calibration_valid_until, uncertainty_pct)
       values ($1, 'SME-STQ-EDS-0099', 'static', 'tank', $2, 'radar', 'prueba', '2027-01-01', 150)`,
      [installationId, tankId],
      "measurement_systems_uncertainty_check",
    );
    // A30-MS-07: the element column must match element_type, and only one element.
    await expectRejected(
      db,
      `insert into measurement_systems (installation_id, key, kind, element_type, tank_id, technology, description, calibration_valid_until, uncertainty_pct)
       values ($1, 'SMD-DUC-TRA-0099', 'dynamic', 'duct', $2, 'turbine', 'prueba', '2027-01-01', 0.5)`,
      [installationId, tankId],
      "measurement_systems_element_check",
    );
    // A30-MS-11: unknown technology.
    await expectRejected(
      db,
      `insert into measurement_systems (installation_id, key, kind, element_type, tank_id, technology, description, calibration_valid_until, uncertainty_pct)
       values ($1, 'SME-STQ-EDS-0098', 'static', 'tank', $2, 'telepathy', 'prueba', '2027-01-01', 0.5)`,
      [installationId, tankId],
      "measurement_systems_technology_check",
    );
    // A30-MS-04: non-positive diameter.
    await expectRejected(
      db,
      "insert into ducts (installation_id, key, description, diameter_in, direction) values ($1, 'DUC-DES-0004', 'Ducto de descarga', 0, 'inlet')",
      [installationId],
      "ducts_diameter_check",
    );
    // A30-ACC-02: no fifth profile, and no user with an unknown one.
    await expectRejected(db, "insert into roles (key, name_es) values ('invitado', 'Invitado')", [], "roles_key_check");
    await expectRejected(
      db,
      "insert into users (username, display_name, role, password_hash) values ('visita', 'Visita', 'invitado', 'x')",
      [],
      "users_role_roles_key_fk",
    );
    // A30-MS-01: tank keys are unique within the installation.
    await expectRejected(
      db,
      `insert into tanks (installation_id, key, description, product_key, capacity_total_l, capacity_operating_l, capacity_useful_l, minimum_operating_volume_l, calibration_valid_until)
       values ($1, 'TQS-EDS-0001', 'duplicado', 'PR07', 1000, 900, 950, 50, '2027-01-01')`,
      [installationId],
      "tanks_installation_key_unique",
    );
    // A30-MS-03: a tank in operation needs a calibration validity.
    await expectRejected(
      db,
      `insert into tanks (installation_id, key, description, product_key, capacity_total_l, capacity_operating_l, capacity_useful_l, minimum_operating_volume_l, status)
       values ($1, 'TQS-EDS-0009', 'sin calibración', 'PR07', 1000, 900, 950, 50, 'O')`,
      [installationId],
      "tanks_in_operation_calibrated_check",
    );
    // A30-GEN-03: the taxpayer's own RFC is validated and never generic.
    await expectRejected(db, "insert into taxpayers (rfc, name, character) values ('GPA201301NL1', 'x', 'permisionario')", [], "taxpayers_rfc_check");
    await expectRejected(db, "insert into taxpayers (rfc, name, character) values ('XAXX010101000', 'x', 'permisionario')", [], "taxpayers_rfc_not_generic_check");
    // A30-GEN-02: carácter accepts only the four SAT values.
    await expectRejected(db, "insert into taxpayers (rfc, name, character) values ('GPA200101NL1', 'x', 'socio')", [], "taxpayers_character_check");
    // A30-GEN-04: installation keys are unique.
    await expectRejected(
      db,
      "insert into installations (taxpayer_id, key, description, type) select taxpayer_id, 'EDS-0001', 'Duplicada', 'service_station' from installations limit 1",
      [],
      "installations_key_unique",
    );
    // A30-LOG-01/04: bitácora event types 1–21 and SHA-256 hashes.
    const zeros = "0".repeat(64);
    await expectRejected(
      db,
      "insert into event_log (id, time, username, event_type, description, component, hash, previous_hash) values (1, $1, 'sistema', 22, 'fuera de catálogo', 'UCC', $2, $2)",
      [NOW, zeros],
      "event_log_event_type_check",
    );
    await expectRejected(
      db,
      "insert into event_log (id, time, username, category, event_type, description, hash, previous_hash) values (1, $1, 'sistema', 1, 1, 'hash inválido', 'abc', $2)",
      [NOW, zeros],
      "event_log_hash_check",
    );
    // SAT: alarm events (types 7–21) name their component.
    await expectRejected(
      db,
      "insert into event_log (id, time, username, event_type, description, hash, previous_hash) values (1, $1, 'sistema', 15, 'sin componente', $2, $2)",
      [NOW, zeros],
      "event_log_component_check",
    );
    // A30-ALM-01: alarm types 1–12; the fault cannot start after it is registered (A30-ALM-04).
    await expectRejected(
      db,
      "insert into alarms (id, time, occurred_at, component, type, severity, description, origin) values (1, $1, $1, 'UCC', 13, 'high', 'tipo inválido', 'automatic')",
      [NOW],
      "alarms_type_check",
    );
    await expectRejected(
      db,
      "insert into alarms (id, time, occurred_at, component, type, severity, description, origin) values (1, $1, $2, 'UCC', 5, 'high', 'falla futura', 'automatic')",
      [NOW, LATER],
      "alarms_occurred_check",
    );
    // A30-ALM-06: manual alarms carry the user who registered them.
    await expectRejected(
      db,
      "insert into alarms (id, time, occurred_at, component, type, severity, description, origin) values (1, $1, $1, 'DISP-0003', 8, 'high', 'falla de energía', 'manual')",
      [NOW],
      "alarms_manual_check",
    );
    // A30-CFDI-03: UUID upper-case 8-4-4-4-12.
    await expectRejected(
      db,
      `insert into cfdi (taxpayer_id, uuid, version, type, purpose, issued_at, issuer_rfc, receiver_rfc, subtotal, total, currency, xml_sha256, xml)
       select id, '6F9A1C2E3B4D4E5F8A7B1C2D3E4F5A6B', '4.0', 'I', 'acquisition', $1, 'GPA200101NL1', rfc, 1, 1, 'MXN', $2, '<cfdi/>' from taxpayers limit 1`,
      [NOW, "a".repeat(64)],
      "cfdi_uuid_check",
    );
    // A30-PED-03: normalised pedimento number.
    await expectRejected(
      db,
      `insert into pedimentos (taxpayer_id, number, date, origin_country, transport_means_in, incoterm, tariff_fraction, product_key, volume, unit)
       select id, '234734563001234', '2026-10-30', 'USA', '1', 'FOB', '2710.12.99', 'PR07', 60000, 'UM03' from taxpayers limit 1`,
      [],
      "pedimentos_number_check",
    );
    // A30-MS-08: only the two reference temperatures exist.
    await expectRejected(
      db,
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin)
       values ($1, 1, 'reception', 'tank', $2, 'PR07', $3, $3, 20000, 'UM03', 15, 'automatic')`,
      [installationId, tankId, NOW],
      "operations_reference_temperature_check",
    );
    // A30-REC-07: manual operations carry the user and a justification.
    await expectRejected(
      db,
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin)
       values ($1, 1, 'reception', 'tank', $2, 'PR07', $3, $3, 1000, 'UM03', 20, 'manual')`,
      [installationId, tankId, NOW],
      "operations_manual_check",
    );
    // A30-STO-02: a version > 1 must point at the version it supersedes.
    await expectRejected(
      db,
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin, version, correction_reason)
       values ($1, 1, 'reception', 'tank', $2, 'PR07', $3, $3, 1000, 'UM03', 20, 'automatic', 2, 'corrección')`,
      [installationId, tankId, NOW],
      "operations_version_check",
    );
    // A30-INV-03: book = opening + receptions − deliveries − losses.
    await expectRejected(
      db,
      `insert into inventory_cuts (installation_id, number, tank_id, product_key, report_date, period_start, cut_at, opening_volume, receptions_volume,
         deliveries_volume, book_volume, measured_volume, difference_volume, unit, reference_temperature_c, approach)
       values ($1, 1, $2, 'PR07', '2026-11-01', $3, $4, 10100, 20000, 11800, 18250, 18250, 0, 'UM03', 20, 'static')`,
      [installationId, tankId, new Date("2026-11-01T06:00:00Z"), new Date("2026-11-02T06:00:00Z")],
      "inventory_cuts_book_check",
    );
    // A30-ALM-04: "attend" needs cause and corrective action.
    await db.query(
      "insert into alarms (id, time, occurred_at, component, type, severity, description, origin) values (1, $1, $1, 'CANAL:OPCUA-EDS-0001', 5, 'high', 'Problemas de comunicación', 'automatic')",
      [NOW],
    );
    const [admin] = await db.query<{ id: number }>("select id from users where username = 'admin'");
    await expectRejected(
      db,
      "insert into alarm_actions (alarm_id, time, action, user_id, cause) values (1, $1, 'attend', $2, 'enlace caído')",
      [LATER, admin!.id],
      "alarm_actions_attend_check",
    );
    await db.query(
      "insert into alarm_actions (alarm_id, time, action, user_id, cause, corrective_action) values (1, $1, 'attend', $2, 'enlace caído', 'reinicio del servidor OPC UA')",
      [LATER, admin!.id],
    );
    // A30-REC-04: one counter per register and installation; unknown registers are refused.
    await db.query("insert into record_sequences (register, installation_id, last_value) values ('event_log', 0, 0)");
    await expectRejected(db, "insert into record_sequences (register, installation_id) values ('event_log', 0)", [], "record_sequences_register_installation_id_pk");
    await expectRejected(db, "insert into record_sequences (register, installation_id) values ('ventas', 1)", [], "record_sequences_register_check");
    // A30-STO-03: referential integrity — no operation for an unknown tank.
    await expectRejected(
      db,
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin)
       values ($1, 1, 'reception', 'tank', 999999, 'PR07', $2, $2, 1000, 'UM03', 20, 'automatic')`,
      [installationId, NOW],
      "operations_tank_id_tanks_id_fk",
    );
  });
});
