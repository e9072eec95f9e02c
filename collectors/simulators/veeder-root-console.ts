import net from "node:net";
import { veederRootConfigSchema, type VeederRootConfig } from "../drivers/veeder-root/config";
import { dateToConsoleTime, formatConsoleTime } from "../drivers/veeder-root/console-time";
import {
  extractCommand,
  formatDeliveryResponse,
  formatInventoryResponse,
  frameComputerResponse,
  unrecognisedCommandResponse,
  formatNoDataInventoryRecord,
  type ConsoleUnits,
  type DeliveryInput,
  type TankInventoryInput,
} from "../drivers/veeder-root/parse";
import type { Site, SiteInstallation } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { createSiteModelRunner, type SiteModelHandle } from "./model-runner";
import type { SiteEvent, SiteModelConfig, TankState } from "./site-model";

/**
 * A Veeder-Root TLS console over TCP, driven by the site model: the automatic tank gauge of one
 * service station (default: the first one, EDS-0001, whose tanks become TLS tanks 1…n in site
 * order). It answers the computer-format inquiries the driver uses, as the Serial Interface
 * Manual 576013-635 specifies them:
 *
 *   <SOH>i201TT  in-tank inventory: gross volume, TC volume (net at 15 °C, the model's reference),
 *                ullage (capacity − product − water), level, water level, temperature, water volume;
 *                status bit 1 while a tanker is discharging.
 *   <SOH>i202TT  delivery report: the last 10 completed tanker deliveries per tank, newest first,
 *                from the model's tanker-delivery start/end events (start values are the tank as
 *                the console sees it right after the step in which the delivery started).
 *   anything else → <SOH>9999FF1B<ETX> (§5.0).
 *
 * Report and delivery stamps use the model's simulated time in the installation's time zone.
 * Faults for the collector's tests: corrupt checksum, no reply, slow reply, noise before the
 * answer, connection closed on the next command; `stopListening()` / `startListening()` power the
 * console off and on (connections dropped, port closed, then open again on the same port).
 *
 * Calibration validity (A30-MS-12) is NOT reported here: the i201 tank status word, as the driver
 * (parse.ts) documents it, has bit 1 delivery in progress, bit 2 leak test in progress and bit 3
 * invalid fuel height (magnetostrictive probes) — none of them means "calibration expired", and a
 * strapping-table certificate is not something the console knows. A tank whose calibration the
 * model marks expired answers exactly as before; the OPC UA and Modbus status points carry it.
 */

export type ConsoleFault =
  /** One data character of the answer is altered after the checksum was computed. */
  | { kind: "corrupt-checksum" }
  /** The command is swallowed. */
  | { kind: "no-reply" }
  /** The answer is sent after `delayMs`. */
  | { kind: "slow-reply"; delayMs: number }
  /** Line noise (default `\xff\x00NOISE\r\n`) is sent before the answer. */
  | { kind: "garbage"; bytes?: Uint8Array }
  /** The console drops the TCP connection instead of answering. */
  | { kind: "close-connection" };

export interface VeederRootConsoleOptions {
  site: Site;
  /** Installation whose tanks the console gauges. Default: the first service station. */
  installationKey?: string;
  /** TCP port; 0 picks a free one (see `port` of the result). */
  port: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** How the console is programmed. Default metric (L, mm, °C). */
  units?: ConsoleUnits;
  /** RS-232 security code (§5.0) the console demands before each function code. */
  securityCode?: string;
  /** Share another simulator's model (e.g. the OPC UA site server's); default: a model of its own. */
  model?: SiteModelHandle;
  /** Own model only: wall-clock period between model steps. Default 1000 ms. */
  tickMs?: number;
  /** Own model only: simulated seconds per wall-clock second. Default 1. */
  speed?: number;
  /** Own model only. Default 1. */
  seed?: number;
  /** Own model only. */
  modelConfig?: Partial<SiteModelConfig>;
  /** Own model only: wall clock (epoch ms). Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface ConsoleTank {
  tankNumber: number;
  tankKey: string;
  /** `<installationKey>/<tankKey>`, the tag prefix the collector configuration uses. */
  tagPrefix: string;
  productCode: string;
}

export interface ConsoleDelivery extends DeliveryInput {
  tankNumber: number;
  tankKey: string;
  /** Model operation id (`tanker-delivery-7`). */
  operationId: string;
  startTimeMs: number;
  endTimeMs: number;
}

export interface VeederRootConsoleStats {
  connections: number;
  commands: number;
  replies: number;
  faultsApplied: number;
}

export interface VeederRootConsole {
  host: string;
  port: number;
  installationKey: string;
  timeZone: string;
  units: ConsoleUnits;
  tanks: readonly ConsoleTank[];
  model: SiteModelHandle;
  readonly stats: VeederRootConsoleStats;
  /** Completed deliveries the console holds, oldest first. */
  deliveries(): ConsoleDelivery[];
  /** What an i20100 would report now, in litres / millimetres / °C (before float32 rounding). */
  inventory(): TankInventoryInput[];
  /** Applies `fault` to the next `times` commands (default: until cleared with null). */
  setFault(fault: ConsoleFault | null, times?: number): void;
  /** Whether the console accepts connections (false between `stopListening` and `startListening`). */
  readonly listening: boolean;
  /** Powers the console off: every connection is destroyed and the port closed. */
  stopListening(): Promise<void>;
  /** Powers it on again: listens on the same port. */
  startListening(): Promise<void>;
  stop(): Promise<void>;
}

const STORED_DELIVERIES_PER_TANK = 10;
const DEFAULT_GARBAGE = Uint8Array.from([0xff, 0x00, ...Buffer.from("NOISE\r\n", "latin1")]);

export async function startVeederRootConsole(options: VeederRootConsoleOptions): Promise<VeederRootConsole> {
  const { site, logger } = options;
  const host = options.host ?? "127.0.0.1";
  const units = options.units ?? "metric";
  const installation = pickInstallation(site, options.installationKey);
  const timeZone = installation.timeZone;
  const tanks: ConsoleTank[] = installation.tanks.map((tank, index) => ({
    tankNumber: index + 1,
    tankKey: tank.key,
    tagPrefix: `${installation.key}/${tank.key}`,
    productCode: String(index + 1),
  }));
  const own = options.model ? null : createOwnModel(options);
  const model: SiteModelHandle = options.model ?? (own as OwnModel).handle;

  const stats: VeederRootConsoleStats = { connections: 0, commands: 0, replies: 0, faultsApplied: 0 };
  let fault: { fault: ConsoleFault; remaining: number } | null = null;
  const stored = new Map<string, ConsoleDelivery[]>();
  const started = new Map<string, { operationId: string; startTimeMs: number; snapshot: Snapshot }>();

  const modelTank = (tankKey: string): TankState | undefined =>
    model.state.tanks.find((t) => t.spec.installationKey === installation.key && t.spec.tankKey === tankKey);
  const stamp = (timeMs: number): string => formatConsoleTime(dateToConsoleTime(new Date(timeMs), timeZone));

  const unsubscribe = model.onEvents((events: SiteEvent[]) => {
    for (const event of events) {
      if (event.type === "delivery-ordered" || event.installationKey !== installation.key || event.operation !== "tanker-delivery") continue;
      const tank = modelTank(event.tankKey);
      const consoleTank = tanks.find((t) => t.tankKey === event.tankKey);
      if (!tank || !consoleTank) continue;
      if (event.type === "operation-start") {
        started.set(event.tankKey, { operationId: event.id, startTimeMs: event.timeMs, snapshot: snapshotOf(tank) });
        continue;
      }
      const begin = started.get(event.tankKey);
      started.delete(event.tankKey);
      if (!begin || begin.operationId !== event.id) continue; // began before this console existed
      const end = snapshotOf(tank);
      const list = stored.get(event.tankKey) ?? [];
      list.push({
        tankNumber: consoleTank.tankNumber,
        tankKey: event.tankKey,
        operationId: event.id,
        startTimeMs: begin.startTimeMs,
        endTimeMs: event.timeMs,
        startStamp: stamp(begin.startTimeMs),
        endStamp: stamp(event.timeMs),
        startVolumeL: begin.snapshot.volumeL,
        startTcVolumeL: begin.snapshot.tcVolumeL,
        startWaterMm: begin.snapshot.waterMm,
        startTemperatureC: begin.snapshot.temperatureC,
        startHeightMm: begin.snapshot.heightMm,
        endVolumeL: end.volumeL,
        endTcVolumeL: end.tcVolumeL,
        endWaterMm: end.waterMm,
        endTemperatureC: end.temperatureC,
        endHeightMm: end.heightMm,
      });
      if (list.length > STORED_DELIVERIES_PER_TANK) list.splice(0, list.length - STORED_DELIVERIES_PER_TANK);
      stored.set(event.tankKey, list);
      logger?.info({ tankNumber: consoleTank.tankNumber, operationId: event.id }, "consola TLS simulada: entrega registrada");
    }
  });

  const inventoryOf = (tank: ConsoleTank): TankInventoryInput | null => {
    const state = modelTank(tank.tankKey);
    if (!state) return null;
    const truth = state.truth;
    const delivering = model.state.operations.some(
      (op) => op.installationKey === installation.key && op.tankKey === tank.tankKey && op.operation === "tanker-delivery",
    );
    return {
      tankNumber: tank.tankNumber,
      productCode: tank.productCode,
      status: delivering ? 0x0001 : 0x0000,
      volumeL: truth.grossVolumeL,
      tcVolumeL: truth.netVolumeL,
      ullageL: Math.max(0, state.spec.capacityL - truth.grossVolumeL - truth.waterVolumeL),
      heightMm: state.measured.level_mm,
      waterMm: state.measured.water_level_mm,
      temperatureC: state.measured.temperature_c,
      waterVolumeL: truth.waterVolumeL,
    };
  };

  const answer = (functionCode: string): Uint8Array => {
    const match = /^i(201|202)(\d{2})$/.exec(functionCode);
    if (!match) return unrecognisedCommandResponse();
    const tankNumber = Number(match[2]);
    const selected = tankNumber === 0 ? tanks : tanks.filter((t) => t.tankNumber === tankNumber);
    const reportTime = stamp(model.state.timeMs);
    if (match[1] === "201") {
      if (tankNumber !== 0 && selected.length === 0) {
        // §7.0: an inactive device number is answered with question marks instead of numbers.
        return frameComputerResponse(functionCode, `${reportTime}${formatNoDataInventoryRecord(tankNumber)}`);
      }
      const records = selected.map(inventoryOf).filter((r): r is TankInventoryInput => r !== null);
      return formatInventoryResponse(functionCode, reportTime, records, units);
    }
    const rows =
      tankNumber !== 0 && selected.length === 0
        ? [{ tankNumber, productCode: "?", deliveries: [] }]
        : selected.map((tank) => ({
            tankNumber: tank.tankNumber,
            productCode: tank.productCode,
            deliveries: [...(stored.get(tank.tankKey) ?? [])].reverse(),
          }));
    return formatDeliveryResponse(functionCode, reportTime, rows, units);
  };

  const takeFault = (): ConsoleFault | null => {
    if (!fault) return null;
    const current = fault.fault;
    fault.remaining -= 1;
    if (fault.remaining <= 0) fault = null;
    stats.faultsApplied += 1;
    return current;
  };

  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const securityLength = options.securityCode?.length ?? 0;

  const reply = async (socket: net.Socket, functionCode: string): Promise<void> => {
    stats.commands += 1;
    let frame = answer(functionCode);
    const active = takeFault();
    if (active?.kind === "no-reply") return;
    if (active?.kind === "close-connection") {
      socket.destroy();
      return;
    }
    if (active?.kind === "corrupt-checksum") frame = corruptData(frame);
    if (active?.kind === "slow-reply") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, active.delayMs);
        timers.add(timer);
      });
    }
    if (socket.destroyed) return;
    if (active?.kind === "garbage") socket.write(active.bytes ?? DEFAULT_GARBAGE);
    socket.write(frame);
    stats.replies += 1;
  };

  const server = net.createServer((socket) => {
    stats.connections += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Uint8Array = new Uint8Array(0);
    // Commands are answered strictly in order, one at a time, like the real port.
    let chain: Promise<void> = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? new Uint8Array(chunk) : Buffer.concat([buffer, chunk]);
      for (;;) {
        const { command, consumed } = extractCommand(buffer, securityLength);
        buffer = buffer.subarray(consumed);
        if (!command) break;
        if (options.securityCode && command.securityCode !== options.securityCode) {
          logger?.warn({ functionCode: command.functionCode }, "consola TLS simulada: código de seguridad incorrecto, sin respuesta");
          continue;
        }
        chain = chain.then(() => reply(socket, command.functionCode)).catch((error: unknown) => {
          logger?.error({ err: error }, "consola TLS simulada: error al responder");
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
  const closeListener = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // The callback also runs (with ERR_SERVER_NOT_RUNNING) when the server was not listening.
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  try {
    await listen(options.port);
  } catch (error) {
    unsubscribe();
    own?.stop();
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  let listening = true;
  logger?.info({ host, port, installationKey: installation.key, tanks: tanks.length, units }, "consola TLS simulada iniciada");

  let stopped = false;
  return {
    host,
    port,
    installationKey: installation.key,
    timeZone,
    units,
    tanks,
    model,
    stats,
    deliveries() {
      return [...stored.values()].flat().sort((a, b) => a.startTimeMs - b.startTimeMs);
    },
    inventory() {
      return tanks.map(inventoryOf).filter((r): r is TankInventoryInput => r !== null);
    },
    setFault(next, times) {
      fault = next ? { fault: next, remaining: times ?? Number.POSITIVE_INFINITY } : null;
      logger?.info({ fault: next?.kind ?? null, times: times ?? null }, "consola TLS simulada: falla configurada");
    },
    get listening() {
      return listening;
    },
    async stopListening() {
      if (!listening) return;
      listening = false;
      // A slow reply still pending finds its socket destroyed and sends nothing.
      await closeListener();
      logger?.info({ host, port }, "consola TLS simulada apagada");
    },
    async startListening() {
      if (stopped) throw new Error("la consola simulada ya se detuvo");
      if (listening) return;
      await listen(port);
      listening = true;
      logger?.info({ host, port }, "consola TLS simulada encendida");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      own?.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listening = false;
      await closeListener();
      logger?.info({ host, port }, "consola TLS simulada detenida");
    },
  };
}

/**
 * Collector configuration that reads this simulator for the demo site: the first service
 * station's tanks as TLS tanks 1…n, metric units. `port` is the console's actual port.
 */
export function demoVeederRootCollectorConfig(site: Site, port: number): VeederRootConfig {
  const installation = pickInstallation(site);
  return veederRootConfigSchema.parse({
    kind: "veeder-root",
    name: `veeder-root:${installation.key}`,
    host: "127.0.0.1",
    port,
    pollIntervalMs: 5_000,
    timeoutMs: 2_000,
    units: "metric",
    timeZone: installation.timeZone,
    tanks: installation.tanks.map((tank, index) => ({ tankNumber: index + 1, tagPrefix: `${installation.key}/${tank.key}` })),
  });
}

// ── internals ─────────────────────────────────────────────────────────────────────────────

interface Snapshot {
  volumeL: number;
  tcVolumeL: number;
  waterMm: number;
  temperatureC: number;
  heightMm: number;
}

function snapshotOf(tank: TankState): Snapshot {
  return {
    volumeL: tank.truth.grossVolumeL,
    tcVolumeL: tank.truth.netVolumeL,
    waterMm: tank.measured.water_level_mm,
    temperatureC: tank.measured.temperature_c,
    heightMm: tank.measured.level_mm,
  };
}

function pickInstallation(site: Site, installationKey?: string): SiteInstallation {
  const installation = installationKey
    ? site.installations.find((i) => i.key === installationKey)
    : site.installations.find((i) => i.type === "service_station");
  if (!installation) {
    throw new Error(installationKey ? `instalación desconocida: ${installationKey}` : "el sitio no tiene una estación de servicio");
  }
  if (installation.tanks.length === 0) throw new Error(`la instalación ${installation.key} no tiene tanques`);
  if (installation.tanks.length > 99) throw new Error(`la instalación ${installation.key} tiene más de 99 tanques`);
  return installation;
}

/** Flips one data character (between the echoed function code and "&&") to another hex digit. */
function corruptData(frame: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(frame);
  const first = 7; // SOH + 6-character function code
  const last = copy.length - 8; // before "&&CCCC<ETX>"
  if (last < first) {
    copy[1] = copy[1] === 0x30 ? 0x31 : 0x30;
    return copy;
  }
  const at = first + Math.floor((last - first) / 2);
  copy[at] = copy[at] === 0x30 ? 0x31 : 0x30;
  return copy;
}

interface OwnModel {
  handle: SiteModelHandle;
  stop(): void;
}

/** The same stepping loop as the OPC UA site server, for a console that runs alone. */
function createOwnModel(options: VeederRootConsoleOptions): OwnModel {
  const runner = createSiteModelRunner({
    site: options.site,
    tickMs: options.tickMs,
    speed: options.speed,
    seed: options.seed,
    modelConfig: options.modelConfig,
    now: options.now,
    logger: options.logger,
  });
  runner.start();
  return { handle: runner.handle, stop: () => runner.stop() };
}
