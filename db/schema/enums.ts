/**
 * Vocabularies of the text columns that behave as enums. Each is enforced in the database by a
 * CHECK constraint (text + check instead of pgEnum: adding a value is a one-line constraint change
 * in a migration, with no ALTER TYPE transaction caveats) and typed in TypeScript through
 * `text(..., { enum })`. Services validate against these same arrays with zod.
 */

/** A30-ACC-02: exactly four profiles (kept equal to server/contracts/roles.ts ROLE_KEYS; a test checks it). */
export const ROLE_KEYS = ["administrador", "supervisor", "operador", "auditor_fiscal"] as const;

/** A30-GEN-02 carácter (SAT Caracter). */
export const TAXPAYER_CHARACTERS = ["contratista", "asignatario", "permisionario", "usuario"] as const;
/** A30-GEN-02 activity fraction of regla 2.6.1.2. */
export const ACTIVITY_FRACTIONS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"] as const;

/** A30-GEN-04 installation kinds (superset of server/contracts/site.ts; `marketer` = A30-GEN-07). */
export const INSTALLATION_TYPES = [
  "service_station",
  "storage_terminal",
  "pipeline",
  "process_station",
  "distribution",
  "refinery",
  "marketer",
  "contract_area",
] as const;
export const INSTALLATION_STATUSES = ["active", "inactive"] as const;

/** A30-GEN-05 product class and physical state. */
export const PRODUCT_CLASSES = ["hidrocarburo", "petrolifero"] as const;
export const PHYSICAL_STATES = ["liquid", "gas"] as const;
/** SAT UnidadDeMedida: UM01 barrel, UM02 ft³, UM03 litre, UM04 m³ (volumes, A30-MS-09). */
export const VOLUME_UNITS = ["UM01", "UM02", "UM03", "UM04"] as const;
/** Calorific value units (A30-MS-09, A30-TYP-04/05). */
export const CALORIFIC_UNITS = ["MJ/m3", "BTU/ft3", "MMBTU"] as const;

/** SAT EstadoTanque: O en operación, F fuera de operación (A30-MS-03). */
export const TANK_STATUSES = ["O", "F"] as const;
/** Operating state of equipment (ducts, wells, dispensers, hoses, systems) — same letters as EstadoTanque. */
export const EQUIPMENT_STATUSES = TANK_STATUSES;
/** A30-MS-10 stock from a static system, or by differences from dynamic systems. */
export const MEASUREMENT_APPROACHES = ["static", "by_differences"] as const;

export const MEASUREMENT_KINDS = ["static", "dynamic"] as const;
/** Elements a measurement system (or an operation) belongs to (A30-MS-01, A30-MS-07). */
export const ELEMENT_TYPES = ["tank", "duct", "well", "dispenser", "hose"] as const;
/** What a measurement tag belongs to: an element, an online analyzer, or the UCC itself (diagnostics). */
export const TAG_ELEMENT_TYPES = [...ELEMENT_TYPES, "analyzer", "ucc"] as const;
/** A30-MS-11 technology catalogue (static, mechanical gauging, dynamic). */
export const MEASUREMENT_TECHNOLOGIES = [
  // static — wave reflection
  "ultrasonic",
  "radar",
  "radiation",
  // static — electrical
  "capacitive",
  "inductive",
  // static — hydrostatic pressure
  "manometric",
  "differential_pressure_level",
  "membrane",
  // static — others
  "magnetostrictive",
  "servo",
  "float",
  "magnetic_float_indicator",
  // truck/rail tanks — mechanical gauging
  "volumetric_marks",
  "graduated_window",
  "sight_glass",
  "level_tape",
  // dynamic
  "orifice",
  "positive_displacement",
  "turbine",
  "ultrasonic_flow",
  "coriolis",
  "multiphase",
] as const;
export const DUCT_DIRECTIONS = ["inlet", "outlet", "transport", "distribution"] as const;
/** Calibration/verification records (A30-MS-12, A31-07). */
export const CALIBRATION_SUBJECTS = ["tank", "primary", "secondary", "tertiary", "analyzer"] as const;
export const CALIBRATION_STATUSES = ["planned", "done", "cancelled"] as const;

/** A30-MS-13 links. */
export const COLLECTOR_KINDS = ["opcua", "modbus", "veeder_root"] as const;
/** OPC UA MessageSecurityMode (None/Sign/SignAndEncrypt), TLS (Veeder-Root), `unsecured` for protocols without security such as Modbus (A30-MS-14: flagged "sin cifrado"). */
export const SECURITY_MODES = ["None", "Sign", "SignAndEncrypt", "TLS", "unsecured"] as const;

/** measurements.quality: 0 good, 1 uncertain, 2 bad. */
export const MEASUREMENT_QUALITIES = [0, 1, 2] as const;
export const ROLLUP_NAMES = ["1m", "1h", "1d"] as const;

/** Who produced a record (A30-REC-07, A30-REC-09, A30-MS-21, A30-MS-24). */
export const RECORD_ORIGINS = ["automatic", "manual", "third_party", "provider"] as const;
export const READING_ORIGINS = ["automatic", "manual"] as const;
export const OPERATION_TYPES = ["reception", "delivery"] as const;
/** SAT TipoDeRegistro: D compra/venta, E servicio, J jarreo, A auto-jarreo, N consignación, C autoconsumo. */
export const SAT_RECORD_TYPES = ["D", "E", "J", "A", "N", "C"] as const;
export const RECORD_STATUSES = ["complete", "incomplete"] as const;
export const TOTALIZER_READING_KINDS = ["cut", "sale", "general"] as const;
export const INVENTORY_CUT_STATUSES = ["on_time", "deferred"] as const;

/** A30-LOG-01 categories 1–7 (null = unclassified user entry, A30-LOG-02). */
export const EVENT_LOG_CATEGORIES = [1, 2, 3, 4, 5, 6, 7] as const;
/** Kinds of cause/action/follow-up entries (A30-LOG-09). */
export const EVENT_LINK_KINDS = ["cause", "corrective_action", "follow_up", "note"] as const;

/** A30-ALM-01 types 1–12. */
export const ALARM_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
export const ALARM_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const ALARM_ORIGINS = ["automatic", "manual"] as const;
/** A30-ALM-03 / A30-ALM-10 state changes recorded in alarm_actions. */
export const ALARM_ACTIONS = ["acknowledge", "attend", "shelve", "unshelve", "clear"] as const;

/** Gap-free numbering registers (A30-REC-04). */
export const RECORD_REGISTERS = ["operation", "daily_accumulation", "inventory_cut", "event_log", "alarm"] as const;

/** A30-SEC-10 security log outcomes. */
export const SECURITY_OUTCOMES = ["success", "failure", "denied", "info", "error"] as const;

/** A30-CFDI-04: versions and types (I Ingreso, E Egreso, T Traslado, P Pago). */
export const CFDI_VERSIONS = ["3.3", "4.0"] as const;
export const CFDI_TYPES = ["I", "E", "T", "P"] as const;
/** A30-CFDI-06 cancellation states. */
export const CFDI_STATUSES = ["vigente", "en_proceso_cancelacion", "cancelacion_solicitada", "cancelado"] as const;

/** A30-PED-04: SAT Incoterms catalogue plus DPU (Incoterms 2020, exported as DAT). */
export const INCOTERMS = ["CFR", "CIF", "CPT", "CIP", "DAF", "DAP", "DAT", "DES", "DEQ", "DDU", "DDP", "EXW", "FCA", "FAS", "FOB", "DPU"] as const;
/** A30-PED-02 SAT MedioDeTransporte (aduana). */
export const CUSTOMS_TRANSPORT_MEANS = ["1", "2", "3", "6", "7", "8", "11"] as const;
export const PEDIMENTO_DIRECTIONS = ["import", "export"] as const;

/** A32-09 lot kinds (A32 32.3 I–IX). */
export const LOT_KINDS = ["monthly", "processing", "duct", "tank", "ship_tank", "truck_rail", "import"] as const;
/** A30-TYP-01 quality data sources. */
export const QUALITY_SOURCES = ["dictamen", "online_instrument", "provided"] as const;
export const ANALYZER_KINDS = ["chromatograph", "densitometer", "calorimeter"] as const;

/** A30-CSD-03 states: active, expired (caducado), revoked, replaced (sustituido), error (erróneo). */
export const CSD_STATUSES = ["active", "expired", "revoked", "replaced", "error"] as const;

export const REPORT_KINDS = ["daily", "monthly"] as const;
/** A30-RPT-03/04: draft → invalid (con errores) | sealed (listo para envío) | failed. */
export const REPORT_STATUSES = ["draft", "invalid", "sealed", "failed"] as const;

/** A30-SEC-29 compliance checklist. */
export const COMPLIANCE_STATUSES = ["pending", "complies", "does_not_comply", "not_applicable"] as const;
/** A31-12 certificate result. */
export const CERTIFICATE_RESULTS = ["complies", "observations"] as const;

/** A30-DIAG-01 component classes and states. */
export const COMPONENT_CLASSES = ["measurement_system", "channel", "ucc"] as const;
export const COMPONENT_STATES = ["ok", "fault", "unknown"] as const;

export const JOB_RUN_STATUSES = ["running", "succeeded", "failed"] as const;
export const IMPORTED_FILE_KINDS = ["provider_records", "third_party_records", "lot_quality", "other"] as const;

/** Tamper attempts staged by the append-only triggers (A30-LOG-07, A30-ALM-03): the statement that was skipped or refused. */
export const TAMPER_OPERATIONS = ["UPDATE", "DELETE", "TRUNCATE", "REFUSED"] as const;
