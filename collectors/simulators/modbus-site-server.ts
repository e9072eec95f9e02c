import net from "node:net";
import {
  EXCEPTION_CODES,
  decodeRequest,
  encodeExceptionResponse,
  encodeResponse,
  encodeValue,
  nextFrameLength,
  registerCount,
  type ModbusByteOrder,
  type ModbusRequest,
  type ModbusResponse,
  type ModbusTable,
  type ModbusValueType,
} from "../drivers/modbus/codec";
import { parseModbusConfig, type ModbusConnectionConfig } from "../drivers/modbus/config";
import { TANK_VARIABLES, tagName, type Site, type TankVariable } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { createPrng, type Prng } from "./prng";
import { siteStatusPoints, statusPointValue, UCC_ELEMENT_KEY, type StatusSource } from "./status-points";
import {
  createSiteModel,
  stepSiteModel,
  withSensorFault,
  type SensorFault,
  type SiteEvent,
  type SiteModelConfig,
  type SiteModelState,
} from "./site-model";

/**
 * The demo site's Modbus TCP server: the flow meters and tank gauges of the site model as a
 * Modbus gateway exposes them, one unit id per device, every unit on one port (a TCP/serial
 * gateway in front of the forecourt and the terminal's flow computers).
 *
 * Register map (PDU addresses, 0-based; `siteModbusRegisterMap` returns it as data):
 *
 *   unit  device                         table              address            value
 *   1…    tank gauge of an installation  input (FC 04)      8·t + 0            level_mm         float32
 *         (t = tank index in the         input              8·t + 2            temperature_c    float32
 *          installation)                 input              8·t + 4            water_level_mm   float32
 *                                        input              8·t + 6            density_kg_m3    float32
 *         dispenser (SMD-DISP-…) / duct  holding (FC 03)    10·m + 0           volume_total_l   float64  gross totalizer, L
 *         meter (SMD-DUC-…)              (m = hose index    10·m + 4           net_volume_total_l float64 totalizer at 15 °C, L
 *                                        in the dispenser,  10·m + 8           flow_lpm         float32  L/min
 *                                        0 for a duct)
 *                                        discrete (FC 02)   m                  in_operation     bool     1 while dispensing
 *         every unit                     holding            1000 … 1099        scratch, writable (FC 06/16)
 *                                        coil               0 … 99             scratch, writable (FC 05)
 *
 * Unit ids are given in site order: per installation its tank gauge (if it has tanks), then its
 * dispensers, then its ducts. The demo site: 1 = EDS-0001 gauge, 2–5 = DISP-0001…0004,
 * 6 = TDA-0001 gauge, 7 = SMD-DUC-TRA-0001, 8 = SMD-DUC-CAR-0001.
 *
 * Status points (`map.status`, kept apart from the measurement points above so the existing
 * register lists and collector configurations do not change; `status-points.ts`):
 *
 *   unit  device                         table              address            value
 *   gauge tank gauge (as above)          discrete (FC 02)   t                  calibration_valid  bool  1 while the
 *                                                                              tank's calibration is valid (A30-MS-12)
 *   n+1…  UCC of an installation         discrete (FC 02)   0                  ups_on_battery     bool  1 while the UPS
 *         (`<installationKey>/UCC`, one                                        runs on battery (mains lost)
 *          per installation, after every discrete           1                  emergency_stop     bool  1 while the
 *          field device)                                                       emergency-stop input is set
 *
 * The demo site: 9 = EDS-0001/UCC, 10 = TDA-0001/UCC (tags `EDS-0001/UCC/ups_on_battery`…).
 * While the site has no mains power (`stopListening`) the port is closed.
 *
 * Byte order: gauges and dispensers big-endian (ABCD); duct flow computers word-swapped (CDAB), as
 * many flow computers ship, so the demo exercises both paths end to end.
 *
 * A read of an address outside the map gets exception 02, an unknown unit id exception 0A
 * (gateway path unavailable), as a gateway would answer ([AP] §7). Faults per unit
 * (`setUnitFault`): dead (no answer at all), exception (every request answered with a code),
 * frozen (registers stop changing), delay (answers late).
 *
 * Totalizers are not in the model's state: they are accumulated here from the model's
 * `operation-end` events plus the volume of the operation in progress, starting at a fixed
 * non-integer value per meter (so float32 could not carry it: the float64 path is exercised).
 */

export const DEMO_MODBUS_PORT = 5020;

const TANK_STRIDE = 8;
const METER_STRIDE = 10;
const SCRATCH_HOLDING_START = 1000;
const SCRATCH_SIZE = 100;
const EVENT_BUFFER_SIZE = 10_000;

export type ModbusSiteDeviceKind = "tank-gauge" | "dispenser" | "duct-meter" | "ucc";
export type MeterVariable = "volume_total_l" | "net_volume_total_l" | "flow_lpm" | "in_operation";

export interface ModbusSiteDevice {
  unitId: number;
  /** `EDS-0001/ATG`, `EDS-0001/SMD-DISP-0001`, `TDA-0001/SMD-DUC-TRA-0001`. */
  key: string;
  kind: ModbusSiteDeviceKind;
  installationKey: string;
  description: string;
  order: ModbusByteOrder;
}

export type ModbusPointSource =
  | { kind: "tank"; installationKey: string; tankKey: string; variable: TankVariable }
  | { kind: "meter"; installationKey: string; elementKey: string; variable: MeterVariable }
  /** A status point (`map.status` only): `kind` "calibration" or "ucc". */
  | StatusSource;

export interface ModbusRegisterPoint {
  unitId: number;
  deviceKey: string;
  table: ModbusTable;
  address: number;
  type: ModbusValueType;
  order: ModbusByteOrder;
  tag: string;
  units: string;
  description: string;
  source: ModbusPointSource;
}

export interface ModbusRegisterMap {
  /** Field devices (tank gauges, dispensers, duct meters). */
  devices: ModbusSiteDevice[];
  /** Measurement points of the field devices. */
  points: ModbusRegisterPoint[];
  /**
   * Status points (alarm inputs, not measurements): the tank gauges' calibration_valid bits and
   * the UCC units (`devices`: only the UCC units, which the field devices list does not hold).
   */
  status: { devices: ModbusSiteDevice[]; points: ModbusRegisterPoint[] };
}

const TANK_UNITS: Record<TankVariable, string> = {
  level_mm: "mm",
  temperature_c: "°C",
  water_level_mm: "mm",
  density_kg_m3: "kg/m³",
};
const TANK_DESCRIPTIONS: Record<TankVariable, string> = {
  level_mm: "nivel de producto",
  temperature_c: "temperatura del producto",
  water_level_mm: "nivel de agua",
  density_kg_m3: "densidad observada",
};
const METER_LAYOUT: ReadonlyArray<{ variable: Exclude<MeterVariable, "in_operation">; offset: number; type: ModbusValueType; units: string; description: string }> = [
  { variable: "volume_total_l", offset: 0, type: "float64", units: "L", description: "totalizador de volumen bruto" },
  { variable: "net_volume_total_l", offset: 4, type: "float64", units: "L", description: "totalizador de volumen neto a 15 °C" },
  { variable: "flow_lpm", offset: 8, type: "float32", units: "L/min", description: "caudal" },
];

/** The register map of a site (see the module comment), as data. */
export function siteModbusRegisterMap(site: Site): ModbusRegisterMap {
  const devices: ModbusSiteDevice[] = [];
  const points: ModbusRegisterPoint[] = [];
  let unitId = 0;
  const nextUnit = (): number => {
    unitId += 1;
    // [AP]/serial line: 1 … 247 are the individual addresses a gateway can route to.
    if (unitId > 247) throw new RangeError("el sitio tiene más de 247 dispositivos Modbus");
    return unitId;
  };
  for (const installation of site.installations) {
    if (installation.tanks.length > 0) {
      const device: ModbusSiteDevice = {
        unitId: nextUnit(),
        key: `${installation.key}/ATG`,
        kind: "tank-gauge",
        installationKey: installation.key,
        description: `Consola de telemedición de tanques de ${installation.key}`,
        order: "ABCD",
      };
      devices.push(device);
      installation.tanks.forEach((tank, t) => {
        TANK_VARIABLES.forEach((variable, v) => {
          points.push({
            unitId: device.unitId,
            deviceKey: device.key,
            table: "input",
            address: TANK_STRIDE * t + 2 * v,
            type: "float32",
            order: device.order,
            tag: tagName(installation.key, tank.key, variable),
            units: TANK_UNITS[variable],
            description: `${tank.key}: ${TANK_DESCRIPTIONS[variable]}`,
            source: { kind: "tank", installationKey: installation.key, tankKey: tank.key, variable },
          });
        });
      });
    }
    const meterDevice = (key: string, kind: ModbusSiteDeviceKind, description: string, order: ModbusByteOrder, elements: string[]): void => {
      const device: ModbusSiteDevice = { unitId: nextUnit(), key: `${installation.key}/${key}`, kind, installationKey: installation.key, description, order };
      devices.push(device);
      elements.forEach((elementKey, m) => {
        for (const entry of METER_LAYOUT) {
          points.push({
            unitId: device.unitId,
            deviceKey: device.key,
            table: "holding",
            address: METER_STRIDE * m + entry.offset,
            type: entry.type,
            order,
            tag: tagName(installation.key, elementKey, entry.variable),
            units: entry.units,
            description: `${elementKey}: ${entry.description}`,
            source: { kind: "meter", installationKey: installation.key, elementKey, variable: entry.variable },
          });
        }
        points.push({
          unitId: device.unitId,
          deviceKey: device.key,
          table: "discrete",
          address: m,
          type: "bool",
          order,
          tag: tagName(installation.key, elementKey, "in_operation"),
          units: "",
          description: `${elementKey}: en operación`,
          source: { kind: "meter", installationKey: installation.key, elementKey, variable: "in_operation" },
        });
      });
    };
    for (const dispenser of installation.dispensers) {
      meterDevice(
        dispenser.measurementSystemKey,
        "dispenser",
        `Dispensario ${dispenser.key} (${dispenser.hoses.length} mangueras)`,
        "ABCD",
        dispenser.hoses.map((hose) => hose.key),
      );
    }
    for (const duct of installation.ducts) {
      meterDevice(duct.measurementSystemKey, "duct-meter", `Computador de flujo del ducto ${duct.key}`, "CDAB", [duct.key]);
    }
  }
  const statusDevices: ModbusSiteDevice[] = [];
  const statusPoints: ModbusRegisterPoint[] = [];
  const uccUnits = new Map<string, ModbusSiteDevice>();
  for (const installation of site.installations) {
    const device: ModbusSiteDevice = {
      unitId: nextUnit(),
      key: `${installation.key}/${UCC_ELEMENT_KEY}`,
      kind: "ucc",
      installationKey: installation.key,
      description: `Unidad central de control de ${installation.key} (UPS y paro de emergencia)`,
      order: "ABCD",
    };
    statusDevices.push(device);
    uccUnits.set(installation.key, device);
  }
  for (const point of siteStatusPoints(site)) {
    const { tag, ...source } = point;
    if (source.kind === "calibration") {
      const gauge = devices.find((d) => d.kind === "tank-gauge" && d.installationKey === source.installationKey);
      const installation = site.installations.find((i) => i.key === source.installationKey);
      const t = installation?.tanks.findIndex((k) => k.key === source.tankKey) ?? -1;
      if (!gauge || t < 0) continue;
      statusPoints.push({
        unitId: gauge.unitId,
        deviceKey: gauge.key,
        table: "discrete",
        address: t,
        type: "bool",
        order: gauge.order,
        tag,
        units: "",
        description: `${source.tankKey}: calibración vigente`,
        source,
      });
      continue;
    }
    const ucc = uccUnits.get(source.installationKey)!;
    statusPoints.push({
      unitId: ucc.unitId,
      deviceKey: ucc.key,
      table: "discrete",
      address: source.variable === "ups_on_battery" ? 0 : 1,
      type: "bool",
      order: ucc.order,
      tag,
      units: "",
      description: source.variable === "ups_on_battery" ? "UPS en batería (falla de energía)" : "paro de emergencia activo",
      source,
    });
  }
  return { devices, points, status: { devices: statusDevices, points: statusPoints } };
}

export interface DemoModbusCollectorOptions {
  host?: string;
  intervalMs?: number;
  timeoutMs?: number;
  /**
   * Also read the tank gauges. Default false: in the demo the tank variables already arrive from
   * the OPC UA gateway under the same tag names, and two collectors writing one tag would
   * interleave two series.
   */
  tanks?: boolean;
  /**
   * Also read the status points: the UCC units and, on the tank gauges read, their
   * calibration_valid bits (with `tanks` false a gauge is then read for those bits only). Default false.
   */
  status?: boolean;
}

/** The collector config that reads the simulator's register map (one device per unit id). */
export function demoModbusCollectorConfig(site: Site, port: number, options: DemoModbusCollectorOptions = {}): ModbusConnectionConfig {
  const map = siteModbusRegisterMap(site);
  const status = options.status === true;
  const allPoints = status ? [...map.points, ...map.status.points] : map.points;
  const devices = [...map.devices, ...(status ? map.status.devices : [])]
    .filter((device) => options.tanks === true || status || device.kind !== "tank-gauge")
    .map((device) => ({
      key: device.key,
      host: options.host ?? "127.0.0.1",
      port,
      unitId: device.unitId,
      timeoutMs: options.timeoutMs ?? 1000,
      pollGroups: [
        {
          intervalMs: options.intervalMs ?? 1000,
          items: allPoints
            .filter((point) => point.unitId === device.unitId && (options.tanks === true || point.source.kind !== "tank"))
            .map((point) => ({ tag: point.tag, table: point.table, address: point.address, type: point.type, order: point.order })),
        },
      ],
    }));
  return parseModbusConfig({ kind: "modbus", devices });
}

// ── server ────────────────────────────────────────────────────────────────────────────────

export type ModbusUnitFault =
  /** The unit never answers (requests are read and dropped; the TCP connection stays up). */
  | { kind: "dead" }
  /** Every request to the unit is answered with this exception code ([AP] §7). */
  | { kind: "exception"; code: number }
  /** The unit keeps answering with the values it had when the fault was set. */
  | { kind: "frozen" }
  /** The unit answers `ms` late (requests on one connection are still answered in order). */
  | { kind: "delay"; ms: number };

/** What the server needs from a site model; the OPC UA simulator's `model` handle fits. */
export interface ModbusModelSource {
  readonly state: SiteModelState;
  onEvents(listener: (events: SiteEvent[]) => void): () => void;
}

export interface ModbusSiteModelHandle extends ModbusModelSource {
  readonly events: readonly SiteEvent[];
  /** Steps the model now by `dtS` simulated seconds (only for a model this server owns). */
  advance(dtS: number): void;
  setFault(tag: string, fault: SensorFault | null): void;
}

export interface ModbusSiteServerOptions {
  site: Site;
  /** TCP port; 0 picks a free one (see `port` of the result). */
  port: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /**
   * Share another simulator's model (e.g. `opcuaServer.model`) so both protocols show one plant.
   * Without it the server runs its own model with tickMs/speed/seed/modelConfig.
   */
  model?: ModbusModelSource;
  /** Wall-clock period between model steps. Default 1000 ms; 0 = only `model.advance` steps it. */
  tickMs?: number;
  speed?: number;
  seed?: number;
  modelConfig?: Partial<SiteModelConfig>;
  /**
   * Totalizers to start from, by `<installationKey>/<elementKey>` (gross L, net mL at 15 °C), e.g.
   * where the demo history left them; meters not listed start at `defaultMeterTotals`.
   */
  initialTotals?: ReadonlyMap<string, { grossL: number; netMl: number }>;
  logger?: Logger;
  now?: () => number;
}

export interface ModbusSiteServerStats {
  connections: number;
  requests: number;
  exceptions: number;
  /** Requests left unanswered by a dead unit. */
  unanswered: number;
}

export interface ModbusSiteServer {
  host: string;
  port: number;
  map: ModbusRegisterMap;
  /** The model the registers show (own or shared). */
  model: ModbusSiteModelHandle;
  /** Engineering value a point shows now (through faults: a frozen unit shows its snapshot). */
  pointValue(point: ModbusRegisterPoint): number;
  setUnitFault(unitId: number, fault: ModbusUnitFault | null): void;
  /** Destroys every client connection (a network blip); the server keeps listening. */
  dropConnections(): void;
  /** Whether the port accepts connections (false between `stopListening` and `startListening`). */
  readonly listening: boolean;
  /** Powers the gateway off: every connection is destroyed and the port closed. */
  stopListening(): Promise<void>;
  /** Powers it on again: listens on the same port. */
  startListening(): Promise<void>;
  readonly stats: Readonly<ModbusSiteServerStats>;
  stop(): Promise<void>;
}

interface MeterTotal {
  grossL: number;
  netMl: number;
}

interface Snapshot {
  state: SiteModelState;
  totals: Map<string, MeterTotal>;
}

type Cell = { kind: "point"; point: ModbusRegisterPoint; word: number } | { kind: "scratch"; index: number };

interface UnitImage {
  device: ModbusSiteDevice;
  /** table → address → what is there. */
  cells: Map<ModbusTable, Map<number, Cell>>;
  scratchHolding: number[];
  scratchCoils: boolean[];
  fault: ModbusUnitFault | null;
  frozen: Snapshot | null;
}

function meterKey(installationKey: string, elementKey: string): string {
  return `${installationKey}/${elementKey}`;
}

/** Fixed, non-integer starting totalizer per meter (the n-th meter of the site, 0-based). */
function initialTotalizerL(n: number): number {
  return 1_000_000 * (n + 1) + 0.25;
}

/**
 * Starting totalizer of every meter (hose or duct meter) of the site, by
 * `<installationKey>/<elementKey>`, in register-map order (the demo history starts from these).
 */
export function defaultMeterTotals(site: Site): Map<string, { grossL: number; netMl: number }> {
  const totals = new Map<string, { grossL: number; netMl: number }>();
  for (const point of siteModbusRegisterMap(site).points) {
    if (point.source.kind !== "meter") continue;
    const key = meterKey(point.source.installationKey, point.source.elementKey);
    if (totals.has(key)) continue;
    const initialL = initialTotalizerL(totals.size);
    totals.set(key, { grossL: initialL, netMl: Math.round(initialL * 1000) });
  }
  return totals;
}

export async function startModbusSiteServer(options: ModbusSiteServerOptions): Promise<ModbusSiteServer> {
  const { site, logger } = options;
  const host = options.host ?? "127.0.0.1";
  const tickMs = options.tickMs ?? 1000;
  const speed = options.speed ?? 1;
  const now = options.now ?? Date.now;
  if (!(tickMs >= 0)) throw new RangeError(`tickMs debe ser ≥ 0: ${tickMs}`);
  if (!(speed > 0)) throw new RangeError(`speed debe ser > 0: ${speed}`);
  const map = siteModbusRegisterMap(site);

  // ── model ──
  const events: SiteEvent[] = [];
  const eventListeners = new Set<(events: SiteEvent[]) => void>();
  let ownState: SiteModelState | null = null;
  let rng: Prng | null = null;
  let detachShared: (() => void) | null = null;
  const totals = new Map<string, MeterTotal>();
  for (const [key, total] of defaultMeterTotals(site)) {
    const given = options.initialTotals?.get(key);
    totals.set(key, given ? { grossL: given.grossL, netMl: given.netMl } : total);
  }
  const onModelEvents = (batch: SiteEvent[]): void => {
    for (const event of batch) {
      if (event.type !== "operation-end") continue;
      const total = totals.get(meterKey(event.installationKey, event.elementKey));
      if (!total) continue; // a tanker delivery has no meter
      total.grossL += event.grossVolumeL;
      total.netMl += event.netVolumeMl;
    }
    events.push(...batch);
    if (events.length > EVENT_BUFFER_SIZE) events.splice(0, events.length - EVENT_BUFFER_SIZE);
    for (const listener of eventListeners) listener(batch);
  };
  if (options.model) {
    detachShared = options.model.onEvents(onModelEvents);
  } else {
    rng = createPrng(options.seed ?? 1);
    ownState = createSiteModel(site, { startTimeMs: now(), rng, config: options.modelConfig });
  }
  const currentState = (): SiteModelState => options.model?.state ?? (ownState as SiteModelState);
  const advance = (dtS: number): void => {
    if (!ownState || !rng) throw new Error("el modelo es compartido: lo avanza el simulador que lo creó");
    const result = stepSiteModel(ownState, dtS, rng);
    ownState = result.state;
    if (result.events.length > 0) onModelEvents(result.events);
  };

  // ── register images ──
  const units = new Map<number, UnitImage>();
  for (const device of [...map.devices, ...map.status.devices]) {
    const cells = new Map<ModbusTable, Map<number, Cell>>([
      ["coil", new Map()],
      ["discrete", new Map()],
      ["holding", new Map()],
      ["input", new Map()],
    ]);
    for (let i = 0; i < SCRATCH_SIZE; i += 1) {
      cells.get("holding")!.set(SCRATCH_HOLDING_START + i, { kind: "scratch", index: i });
      cells.get("coil")!.set(i, { kind: "scratch", index: i });
    }
    units.set(device.unitId, {
      device,
      cells,
      scratchHolding: new Array<number>(SCRATCH_SIZE).fill(0),
      scratchCoils: new Array<boolean>(SCRATCH_SIZE).fill(false),
      fault: null,
      frozen: null,
    });
  }
  for (const point of [...map.points, ...map.status.points]) {
    const table = units.get(point.unitId)?.cells.get(point.table);
    for (let word = 0; word < registerCount(point.type); word += 1) table?.set(point.address + word, { kind: "point", point, word });
  }

  const valueFrom = (point: ModbusRegisterPoint, snapshot: Snapshot): number => {
    const source = point.source;
    if (source.kind === "tank") {
      const tank = snapshot.state.tanks.find((t) => t.spec.installationKey === source.installationKey && t.spec.tankKey === source.tankKey);
      return tank ? tank.measured[source.variable] : Number.NaN;
    }
    if (source.kind === "calibration" || source.kind === "ucc") return statusPointValue(source, snapshot.state) ? 1 : 0;
    const op = snapshot.state.operations.find((o) => o.installationKey === source.installationKey && o.elementKey === source.elementKey);
    const total = snapshot.totals.get(meterKey(source.installationKey, source.elementKey)) ?? { grossL: 0, netMl: 0 };
    switch (source.variable) {
      case "volume_total_l":
        return total.grossL + (op?.movedGrossL ?? 0);
      case "net_volume_total_l":
        return (total.netMl + (op?.movedNetMl ?? 0)) / 1000;
      case "flow_lpm":
        return op ? op.flowLpm : 0;
      case "in_operation":
        return op ? 1 : 0;
    }
  };
  const liveSnapshot = (): Snapshot => ({ state: currentState(), totals });
  const pointValue = (point: ModbusRegisterPoint): number => valueFrom(point, units.get(point.unitId)?.frozen ?? liveSnapshot());

  const read = (unit: UnitImage, table: ModbusTable, address: number, quantity: number): number[] | null => {
    const snapshot = unit.frozen ?? liveSnapshot();
    const cells = unit.cells.get(table)!;
    const encoded = new Map<ModbusRegisterPoint, number[]>();
    const out: number[] = [];
    for (let a = address; a < address + quantity; a += 1) {
      const cell = cells.get(a);
      if (!cell) return null;
      if (cell.kind === "scratch") {
        out.push(table === "coil" ? (unit.scratchCoils[cell.index] ? 1 : 0) : (unit.scratchHolding[cell.index] ?? 0));
        continue;
      }
      let words = encoded.get(cell.point);
      if (!words) {
        words = encodeValue(valueFrom(cell.point, snapshot), cell.point.type, cell.point.order);
        encoded.set(cell.point, words);
      }
      out.push(words[cell.word] ?? 0);
    }
    return out;
  };

  const execute = (unit: UnitImage, request: ModbusRequest): ModbusResponse | number => {
    switch (request.functionCode) {
      case 0x01:
      case 0x02: {
        const values = read(unit, request.functionCode === 0x01 ? "coil" : "discrete", request.address, request.quantity);
        if (!values) return EXCEPTION_CODES.illegalDataAddress;
        return { kind: "bits", functionCode: request.functionCode, bits: values.map((v) => v !== 0) };
      }
      case 0x03:
      case 0x04: {
        const values = read(unit, request.functionCode === 0x03 ? "holding" : "input", request.address, request.quantity);
        if (!values) return EXCEPTION_CODES.illegalDataAddress;
        return { kind: "registers", functionCode: request.functionCode, registers: values };
      }
      case 0x05: {
        const cell = unit.cells.get("coil")!.get(request.address);
        if (cell?.kind !== "scratch") return EXCEPTION_CODES.illegalDataAddress;
        unit.scratchCoils[cell.index] = request.value;
        return { kind: "write-single", functionCode: 0x05, address: request.address, value: request.value ? 0xff00 : 0 };
      }
      case 0x06:
      case 0x10: {
        const values = request.functionCode === 0x06 ? [request.value] : request.values;
        const cells = values.map((_, i) => unit.cells.get("holding")!.get(request.address + i));
        if (cells.some((cell) => cell?.kind !== "scratch")) return EXCEPTION_CODES.illegalDataAddress;
        cells.forEach((cell, i) => {
          if (cell?.kind === "scratch") unit.scratchHolding[cell.index] = values[i] ?? 0;
        });
        return request.functionCode === 0x06
          ? { kind: "write-single", functionCode: 0x06, address: request.address, value: request.value }
          : { kind: "write-multiple", functionCode: 0x10, address: request.address, quantity: values.length };
      }
    }
  };

  // ── TCP ──
  const stats: ModbusSiteServerStats = { connections: 0, requests: 0, exceptions: 0, unanswered: 0 };
  const sockets = new Set<net.Socket>();
  let stopped = false;

  /** Answers one request frame: the response ADU, or null for no answer. */
  const answer = async (frame: Buffer): Promise<Buffer | null | "close"> => {
    const decoded = decodeRequest(frame);
    if (!decoded.ok) return "close";
    stats.requests += 1;
    const { header } = decoded.value;
    const unit = units.get(header.unitId);
    const functionCode = decoded.value.kind === "request" ? decoded.value.request.functionCode : decoded.value.functionCode;
    const exception = (code: number): Buffer => {
      stats.exceptions += 1;
      return encodeExceptionResponse(header.transactionId, header.unitId, functionCode, code);
    };
    if (!unit) return exception(EXCEPTION_CODES.gatewayPathUnavailable);
    const fault = unit.fault;
    if (fault?.kind === "dead") {
      stats.unanswered += 1;
      return null;
    }
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === "exception") return exception(fault.code);
    if (decoded.value.kind === "exception") return exception(decoded.value.exceptionCode);
    try {
      const result = execute(unit, decoded.value.request);
      if (typeof result === "number") return exception(result);
      return encodeResponse(header.transactionId, header.unitId, result);
    } catch (error) {
      // A value the register type cannot hold: answer as a device would ([AP] §7, code 04).
      logger?.error({ err: error, unitId: header.unitId }, "el simulador Modbus no pudo codificar la respuesta");
      return exception(EXCEPTION_CODES.serverDeviceFailure);
    }
  };

  const server = net.createServer((socket) => {
    if (stopped) {
      socket.destroy();
      return;
    }
    stats.connections += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    let rx: Buffer = Buffer.alloc(0);
    // One request at a time per connection, in arrival order (a delayed unit delays its connection only).
    let chain: Promise<void> = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      rx = rx.length === 0 ? chunk : Buffer.concat([rx, chunk]);
      for (;;) {
        const next = nextFrameLength(rx);
        if (next.kind === "incomplete") break;
        if (next.kind === "invalid") {
          // [TCP] §4.3.1.3: a server that cannot frame the stream closes the connection.
          logger?.warn({ err: next.error.message }, "trama Modbus inválida: se cierra la conexión");
          socket.destroy();
          return;
        }
        const frame = Buffer.from(rx.subarray(0, next.length));
        rx = rx.subarray(next.length);
        chain = chain.then(async () => {
          if (socket.destroyed) return;
          const response = await answer(frame);
          if (response === "close") socket.destroy();
          else if (response && !socket.destroyed) socket.write(response);
        });
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });

  const listen = (onPort: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(onPort, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(options.port);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  let listening = true;
  const closeListener = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // The callback also runs (with ERR_SERVER_NOT_RUNNING) when the server was not listening.
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  let timer: NodeJS.Timeout | null = null;
  if (ownState && tickMs > 0) {
    let lastWallMs = now();
    timer = setInterval(() => {
      const wallMs = now();
      const dtS = ((wallMs - lastWallMs) / 1000) * speed;
      lastWallMs = wallMs;
      try {
        advance(dtS);
      } catch (error) {
        logger?.error({ err: error }, "error en el paso del simulador Modbus");
      }
    }, tickMs);
  }
  logger?.info({ host, port, units: map.devices.length, points: map.points.length }, "simulador Modbus del sitio iniciado");

  const model: ModbusSiteModelHandle = {
    get state() {
      return currentState();
    },
    get events() {
      return events;
    },
    onEvents(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    advance,
    setFault(tag, fault) {
      if (!ownState) throw new Error("el modelo es compartido: use setFault del simulador que lo creó");
      ownState = withSensorFault(ownState, tag, fault);
    },
  };

  return {
    host,
    port,
    map,
    model,
    pointValue,
    get stats() {
      return { ...stats };
    },
    setUnitFault(unitId, fault) {
      const unit = units.get(unitId);
      if (!unit) throw new Error(`unidad Modbus desconocida: ${unitId}`);
      unit.fault = fault;
      // Frozen: a deep enough copy of what the registers show now (state objects are replaced, not mutated, by stepSiteModel).
      unit.frozen =
        fault?.kind === "frozen"
          ? { state: currentState(), totals: new Map([...totals].map(([key, total]) => [key, { ...total }])) }
          : null;
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    get listening() {
      return listening;
    },
    async stopListening() {
      if (!listening) return;
      listening = false;
      await closeListener();
      logger?.info({ host, port }, "simulador Modbus del sitio apagado");
    },
    async startListening() {
      if (stopped) throw new Error("el simulador Modbus ya se detuvo");
      if (listening) return;
      await listen(port);
      listening = true;
      logger?.info({ host, port }, "simulador Modbus del sitio encendido");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      listening = false;
      if (timer) clearInterval(timer);
      detachShared?.();
      eventListeners.clear();
      await closeListener();
      logger?.info({ host, port }, "simulador Modbus del sitio detenido");
    },
  };
}
