import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../server/contracts/measurement";
import type { Logger } from "../../../server/platform/logger";
import type { Driver, DriverStatus } from "../driver";
import { DriverStatusBroadcaster } from "../status-broadcaster";
import {
  DEFAULT_FAILURES_BEFORE_DISCONNECT,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_TIME_ZONE,
  effectiveDeliveryPollIntervalMs,
  VEEDER_ROOT_TANK_VARIABLES,
  tankVariables,
  type VeederRootConfig,
  type VeederRootTankConfig,
  type VeederRootTankVariable,
} from "./config";
import { consoleTimeToDate } from "./console-time";
import {
  buildCommand,
  inquiryFunctionCode,
  parseDeliveryResponse,
  parseInventoryResponse,
  type DeliveryRecord,
  type TankInventory,
  type VeederRootParseError,
} from "./parse";
import { VeederRootTransport, type TransportFailure } from "./transport";

/**
 * Veeder-Root TLS driver: polls the console's in-tank inventory (function 201) every
 * `pollIntervalMs` and its delivery report (function 202) every `deliveryPollIntervalMs`.
 *
 *   start ─► connecting ──first good 201──► connected ◄──────── good poll ───────┐
 *                │                              │                              │
 *                └── N failed requests ─────────┴──► disconnected (BAD once) ──┘
 *
 * Rules this file implements:
 * - A30-MS-13: one link per console; every configured tank yields seven tags per poll.
 * - A30-MS-15: a failed request (no connection, timeout, corrupt frame) is logged and counted;
 *   after `failuresBeforeDisconnect` consecutive ones the status goes `disconnected` and one BAD
 *   reading per tag marks the start of the gap, once per outage. The first good poll ends it.
 *   Start and end go to `onOutage` so the caller writes the bitácora entries.
 * - Integrity: a response whose checksum does not verify is dropped whole; none of its values
 *   become readings (never store corrupt data).
 * - A30-MS-18 / A30-REC-01: deliveries come from the console (the tertiary element) and are
 *   announced once each through `onDelivery`, identified by tank + start time; they become the
 *   reception records of issue #4. The identity is kept in memory (bounded), so after a restart
 *   the console's stored deliveries are announced again unless `knownDeliveryKeys` lists them:
 *   the consumer must store them idempotently by `key`.
 *
 * Readings are stamped with the reception time (`now()`): the console's own clock has minute
 * resolution and may drift; its report time is logged when it differs by more than 5 minutes.
 */

/**
 * A delivery (reception) measured by the tank gauge, in litres / millimetres / °C. `raw` holds the
 * record's characters as the console sent them and `units` how to read them (A30-MS-18).
 */
export interface AtgDelivery extends Omit<DeliveryRecord, "start" | "end" | "fieldCount"> {
  /** `<tankNumber>@<YYMMDDHHmm of start>`: stable across polls and restarts of the collector. */
  key: string;
  /** A30-MS-18: the tertiary element that measured it. */
  source: { kind: "veeder-root-tls"; driver: string; host: string; port: number };
  tankNumber: number;
  tagPrefix: string;
  productCode: string;
  startTime: Date;
  endTime: Date;
  units: VeederRootConfig["units"];
}

export interface VeederRootDriverStats {
  inventoryPolls: number;
  deliveryPolls: number;
  failedRequests: number;
  consecutiveFailures: number;
  checksumErrors: number;
  timeouts: number;
  /** Malformed responses other than checksum errors (truncated, wrong echo, bad fields). */
  parseErrors: number;
  deliveriesAnnounced: number;
  /** Noise bytes the transport threw away. */
  discardedBytes: number;
}

/** A link interruption (A30-MS-15: component, start and end), same shape as the OPC UA driver's. */
export interface VeederRootOutage {
  start: Date;
  /** Null while the outage lasts. */
  end: Date | null;
  /** es-MX: what was detected (e.g. "3 consultas fallidas; última: sin respuesta completa en 2000 ms"). */
  reason: string;
  durationMs: number | null;
}

export interface VeederRootDriver extends Driver {
  readonly stats: VeederRootDriverStats;
  /** The interruption in progress, if any. */
  readonly currentOutage: VeederRootOutage | null;
  /** The last interruption that ended. */
  readonly lastOutage: VeederRootOutage | null;
  /** Outage starts and ends, for the bitácora entries at detection and on restoration; returns the unsubscribe function. */
  onOutage(listener: (outage: VeederRootOutage) => void): () => void;
}

export interface VeederRootDriverOptions {
  config: VeederRootConfig;
  logger?: Logger;
  /** Reading timestamps. Default: the wall clock. */
  now?: () => Date;
  /** New deliveries, oldest first. Must not throw and must not block. */
  onDelivery?: (delivery: AtgDelivery) => void;
  /** Keys of deliveries already recorded (issue #4 loads them from the database). */
  knownDeliveryKeys?: Iterable<string>;
  /** Same as `onOutage(listener)`, registered before start. */
  onOutage?: (outage: VeederRootOutage) => void;
  /** First reconnection delay. Default 250 ms. */
  initialBackoffMs?: number;
}

const TAG_FIELD: Record<VeederRootTankVariable, keyof TankInventory> = {
  level_mm: "heightMm",
  temperature_c: "temperatureC",
  water_level_mm: "waterMm",
  volume_l: "volumeL",
  tc_volume_l: "tcVolumeL",
  ullage_l: "ullageL",
  water_volume_l: "waterVolumeL",
};

const MAX_REMEMBERED_DELIVERIES = 2_000;
const CLOCK_SKEW_WARNING_MS = 5 * 60_000;

export function createVeederRootDriver(options: VeederRootDriverOptions): VeederRootDriver {
  return new TlsDriver(options);
}

class TlsDriver implements VeederRootDriver {
  readonly name: string;
  private readonly config: VeederRootConfig;
  private readonly options: VeederRootDriverOptions;
  private readonly logger: Logger | undefined;
  private readonly now: () => Date;
  private readonly timeZone: string;
  private readonly failuresBeforeDisconnect: number;
  private readonly deliveryIntervalMs: number;
  private readonly transport: VeederRootTransport;
  private readonly tanksByNumber: Map<number, VeederRootTankConfig>;
  private readonly allTags: string[];

  private readonly counters: Omit<VeederRootDriverStats, "discardedBytes"> = {
    inventoryPolls: 0,
    deliveryPolls: 0,
    failedRequests: 0,
    consecutiveFailures: 0,
    checksumErrors: 0,
    timeouts: 0,
    parseErrors: 0,
    deliveriesAnnounced: 0,
  };
  private readonly statusBroadcaster: DriverStatusBroadcaster;
  private readonly outageListeners = new Set<(outage: VeederRootOutage) => void>();
  private openOutage: { start: Date; reason: string } | null = null;
  private closedOutage: VeederRootOutage | null = null;
  /** Newest time delivered per tag: keeps (tag, time) unique and ordered if the clock steps back. */
  private readonly lastTimeMs = new Map<string, number>();
  private onReadings: ((readings: Reading[]) => void) | null = null;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private nextDeliveryPollAtMs = 0;
  private disconnectedAtMs: number | null = null;
  private readonly lastValues = new Map<string, number>();
  /** Tags whose latest reading is BAD (so a BAD is sent once per episode, not every poll). */
  private readonly badTags = new Set<string>();
  private readonly seenDeliveries = new Set<string>();
  private deliveryReportUnsupported = false;

  constructor(options: VeederRootDriverOptions) {
    this.options = options;
    this.config = options.config;
    this.name = this.config.name ?? `veeder-root:${this.config.host}:${this.config.port}`;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.timeZone = this.config.timeZone ?? DEFAULT_TIME_ZONE;
    this.failuresBeforeDisconnect = this.config.failuresBeforeDisconnect ?? DEFAULT_FAILURES_BEFORE_DISCONNECT;
    this.deliveryIntervalMs = effectiveDeliveryPollIntervalMs(this.config);
    this.tanksByNumber = new Map(this.config.tanks.map((tank) => [tank.tankNumber, tank]));
    this.allTags = this.config.tanks.flatMap((tank) => tankVariables(tank).map((v) => `${tank.tagPrefix}/${v}`));
    for (const key of options.knownDeliveryKeys ?? []) this.remember(key);
    if (options.onOutage) this.outageListeners.add(options.onOutage);
    this.statusBroadcaster = new DriverStatusBroadcaster(this.now, this.logger, () => this.name);
    this.transport = new VeederRootTransport({
      host: this.config.host,
      port: this.config.port,
      timeoutMs: this.config.timeoutMs,
      maxBackoffMs: this.config.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
      initialBackoffMs: options.initialBackoffMs,
      name: this.name,
      logger: this.logger,
      onConnected: () => this.onTransportConnected(),
    });
  }

  get status(): DriverStatus {
    return this.statusBroadcaster.status;
  }

  get stats(): VeederRootDriverStats {
    return { ...this.counters, discardedBytes: this.transport.stats.discardedBytes };
  }

  onStatus(listener: (status: DriverStatus) => void): () => void {
    return this.statusBroadcaster.subscribe(listener);
  }

  get currentOutage(): VeederRootOutage | null {
    return this.openOutage ? { start: this.openOutage.start, end: null, reason: this.openOutage.reason, durationMs: null } : null;
  }

  get lastOutage(): VeederRootOutage | null {
    return this.closedOutage;
  }

  onOutage(listener: (outage: VeederRootOutage) => void): () => void {
    this.outageListeners.add(listener);
    return () => this.outageListeners.delete(listener);
  }

  async start(onReadings: (readings: Reading[]) => void): Promise<void> {
    if (this.onReadings) throw new Error(`${this.name} ya está iniciado`);
    if (this.stopped) throw new Error(`${this.name} ya se detuvo`);
    this.onReadings = onReadings;
    this.setStatus("connecting", null);
    this.transport.start();
    // The first poll goes out as soon as the socket connects (onTransportConnected); this timer
    // covers a console that does not accept the connection, so its failures get counted.
    this.schedulePoll(this.config.pollIntervalMs);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.transport.stop();
    await this.polling?.catch(() => undefined);
    this.setStatus("stopped", null);
    this.onReadings = null;
    this.statusBroadcaster.clear();
    this.outageListeners.clear();
  }

  // ── polling ─────────────────────────────────────────────────────────────────────────────

  private onTransportConnected(): void {
    if (this.stopped || this.polling) return;
    // Poll at once after (re)connection: the outage ends with the first good answer.
    this.schedulePoll(0);
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (this.polling || this.stopped) return;
      this.polling = this.pollCycle().finally(() => {
        this.polling = null;
      });
    }, delayMs);
  }

  private async pollCycle(): Promise<void> {
    const startedMs = Date.now();
    try {
      const inventoryOk = await this.pollInventory();
      if (inventoryOk && !this.stopped && Date.now() >= this.nextDeliveryPollAtMs) await this.pollDeliveries();
    } catch (error) {
      // Defensive: the steps above return results instead of throwing.
      this.logger?.error({ driver: this.name, err: error }, "error inesperado en el sondeo de la consola TLS");
    }
    if (!this.stopped && !this.pollTimer) {
      this.schedulePoll(Math.max(0, this.config.pollIntervalMs - (Date.now() - startedMs)));
    }
  }

  private async pollInventory(): Promise<boolean> {
    this.counters.inventoryPolls += 1;
    const functionCode = inquiryFunctionCode("201", 0);
    const response = await this.transport.request(buildCommand("201", 0, this.config.securityCode));
    if (this.stopped) return false;
    if (!response.ok) {
      this.transportFailed(functionCode, response.error);
      return false;
    }
    const receivedAt = this.now();
    const parsed = parseInventoryResponse(response.frame, { units: this.config.units, functionCode });
    if (!parsed.ok) {
      this.responseRejected(functionCode, parsed.error);
      return false;
    }
    this.requestSucceeded();
    this.checkClock(parsed.value.consoleTime, receivedAt);
    this.deliver(this.readingsFrom(parsed.value.tanks, receivedAt));
    return true;
  }

  private async pollDeliveries(): Promise<void> {
    this.counters.deliveryPolls += 1;
    const functionCode = inquiryFunctionCode("202", 0);
    const response = await this.transport.request(buildCommand("202", 0, this.config.securityCode));
    if (this.stopped) return;
    if (!response.ok) {
      this.transportFailed(functionCode, response.error);
      return; // retried with the next inventory poll
    }
    const parsed = parseDeliveryResponse(response.frame, { units: this.config.units, functionCode });
    if (!parsed.ok) {
      if (parsed.error.code === "unrecognised-command") {
        // The link works; this console simply has no delivery report. Not a link failure.
        if (!this.deliveryReportUnsupported) {
          this.logger?.error({ driver: this.name }, "la consola no ofrece el reporte de entregas (función 202)");
        }
        this.deliveryReportUnsupported = true;
        this.requestSucceeded();
        this.nextDeliveryPollAtMs = Date.now() + this.deliveryIntervalMs;
        return;
      }
      this.responseRejected(functionCode, parsed.error);
      return;
    }
    this.requestSucceeded();
    this.deliveryReportUnsupported = false;
    this.nextDeliveryPollAtMs = Date.now() + this.deliveryIntervalMs;
    this.announceDeliveries(parsed.value.tanks);
  }

  // ── outcomes ────────────────────────────────────────────────────────────────────────────

  private requestSucceeded(): void {
    this.counters.consecutiveFailures = 0;
    if (this.statusBroadcaster.status.state === "connected") return;
    const outageMs = this.disconnectedAtMs === null ? null : Date.now() - this.disconnectedAtMs;
    this.disconnectedAtMs = null;
    this.setStatus("connected", null);
    this.logger?.info({ driver: this.name, outageMs }, "consola TLS respondiendo");
    if (this.openOutage) {
      const end = this.now();
      const endMs = Math.max(end.getTime(), this.openOutage.start.getTime());
      const closed: VeederRootOutage = {
        start: this.openOutage.start,
        end: new Date(endMs),
        reason: this.openOutage.reason,
        durationMs: endMs - this.openOutage.start.getTime(),
      };
      this.openOutage = null;
      this.closedOutage = closed;
      this.notifyOutage(closed);
    }
  }

  private transportFailed(functionCode: string, error: TransportFailure): void {
    if (error.kind === "stopped") return;
    if (error.kind === "timeout") this.counters.timeouts += 1;
    this.requestFailed(functionCode, error.message, error.kind);
  }

  private responseRejected(functionCode: string, error: VeederRootParseError): void {
    if (error.code === "bad-checksum") {
      this.counters.checksumErrors += 1;
      // Always at warn: corrupt frames point at wiring or line noise, the technician needs them.
      this.logger?.warn(
        { driver: this.name, functionCode, checksumErrors: this.counters.checksumErrors, detail: error.message },
        "respuesta de la consola TLS con suma de verificación incorrecta: se descarta completa",
      );
    } else {
      this.counters.parseErrors += 1;
    }
    this.requestFailed(functionCode, error.message, error.code);
  }

  private requestFailed(functionCode: string, message: string, kind: string): void {
    this.counters.failedRequests += 1;
    this.counters.consecutiveFailures += 1;
    const failures = this.counters.consecutiveFailures;
    const level = failures <= this.failuresBeforeDisconnect ? "warn" : "debug";
    this.logger?.[level]({ driver: this.name, functionCode, kind, failures, detail: message }, "fallo en la consulta a la consola TLS");
    if (failures >= this.failuresBeforeDisconnect) this.markDisconnected(`${failures} consultas fallidas; última: ${message}`);
  }

  /** A30-MS-15: enter the outage once, with one BAD reading per tag at its start. */
  private markDisconnected(detail: string): void {
    if (this.stopped || this.statusBroadcaster.status.state === "disconnected") return;
    this.disconnectedAtMs = Date.now();
    this.setStatus("disconnected", detail);
    this.logger?.warn({ driver: this.name, detail }, "consola TLS sin comunicación");
    const start = this.now();
    this.openOutage = { start, reason: detail };
    this.deliver(this.badReadings(this.allTags, start));
    this.notifyOutage({ start, end: null, reason: detail, durationMs: null });
  }

  private notifyOutage(outage: VeederRootOutage): void {
    for (const listener of this.outageListeners) {
      try {
        listener(outage);
      } catch (error) {
        this.logger?.error({ driver: this.name, err: error }, "un observador de interrupciones lanzó un error");
      }
    }
  }

  // ── readings and deliveries ─────────────────────────────────────────────────────────────

  private readingsFrom(tanks: readonly TankInventory[], time: Date): Reading[] {
    const byNumber = new Map(tanks.map((tank) => [tank.tankNumber, tank]));
    const readings: Reading[] = [];
    for (const tankConfig of this.config.tanks) {
      const tank = byNumber.get(tankConfig.tankNumber);
      if (!tank) {
        const tags = tankVariables(tankConfig).map((v) => `${tankConfig.tagPrefix}/${v}`);
        if (tags.some((tag) => !this.badTags.has(tag))) {
          this.logger?.warn({ driver: this.name, tankNumber: tankConfig.tankNumber }, "la consola no reporta el tanque configurado");
        }
        readings.push(...this.badReadings(tags.filter((tag) => !this.badTags.has(tag)), time));
        continue;
      }
      for (const variable of tankVariables(tankConfig)) {
        const tag = `${tankConfig.tagPrefix}/${variable}`;
        const value = tank[TAG_FIELD[variable]];
        if (typeof value === "number") {
          readings.push({ tag, time, value, quality: QUALITY_GOOD });
          this.lastValues.set(tag, value);
          this.badTags.delete(tag);
        } else if (!this.badTags.has(tag)) {
          // §7.0: "????????" = the console has no valid data for this value (probe fault, inactive tank).
          readings.push(...this.badReadings([tag], time));
        }
      }
    }
    return readings;
  }

  private badReadings(tags: readonly string[], time: Date): Reading[] {
    for (const tag of tags) this.badTags.add(tag);
    return tags.map((tag) => ({ tag, time, value: this.lastValues.get(tag) ?? 0, quality: QUALITY_BAD }));
  }

  private announceDeliveries(tanks: ReadonlyArray<{ tankNumber: number; productCode: string; deliveries: DeliveryRecord[] }>): void {
    const fresh: AtgDelivery[] = [];
    for (const tank of tanks) {
      const tankConfig = this.tanksByNumber.get(tank.tankNumber);
      if (!tankConfig) continue;
      for (const record of tank.deliveries) {
        const key = deliveryKey(tank.tankNumber, record.startStamp);
        if (this.seenDeliveries.has(key)) continue;
        const startTime = consoleTimeToDate(record.start, this.timeZone);
        const endTime = consoleTimeToDate(record.end, this.timeZone);
        if (!startTime || !endTime) {
          this.counters.parseErrors += 1;
          this.logger?.error({ driver: this.name, key, timeZone: this.timeZone }, "fecha de entrega inexistente en la zona horaria de la consola");
          this.remember(key);
          continue;
        }
        const { start: _start, end: _end, fieldCount: _fields, ...values } = record;
        fresh.push({
          ...values,
          key,
          source: { kind: "veeder-root-tls", driver: this.name, host: this.config.host, port: this.config.port },
          tankNumber: tank.tankNumber,
          tagPrefix: tankConfig.tagPrefix,
          productCode: tank.productCode,
          startTime,
          endTime,
          units: this.config.units,
        });
      }
    }
    fresh.sort((a, b) => a.startTime.getTime() - b.startTime.getTime() || a.tankNumber - b.tankNumber);
    for (const delivery of fresh) {
      this.remember(delivery.key);
      this.counters.deliveriesAnnounced += 1;
      this.logger?.info(
        { driver: this.name, key: delivery.key, startVolumeL: delivery.startVolumeL, endVolumeL: delivery.endVolumeL },
        "entrega (recepción) reportada por la consola TLS",
      );
      try {
        this.options.onDelivery?.(delivery);
      } catch (error) {
        this.logger?.error({ driver: this.name, err: error }, "el receptor de entregas lanzó un error");
      }
    }
  }

  private remember(key: string): void {
    this.seenDeliveries.delete(key);
    this.seenDeliveries.add(key);
    if (this.seenDeliveries.size > MAX_REMEMBERED_DELIVERIES) {
      const oldest = this.seenDeliveries.values().next().value;
      if (oldest !== undefined) this.seenDeliveries.delete(oldest);
    }
  }

  private checkClock(consoleTime: DeliveryRecord["start"], receivedAt: Date): void {
    const consoleDate = consoleTimeToDate(consoleTime, this.timeZone);
    if (!consoleDate) return;
    const skewMs = consoleDate.getTime() - receivedAt.getTime();
    if (Math.abs(skewMs) > CLOCK_SKEW_WARNING_MS) {
      this.logger?.warn({ driver: this.name, skewMs, timeZone: this.timeZone }, "el reloj de la consola TLS difiere del reloj del colector");
    }
  }

  private deliver(batch: Reading[]): void {
    if (!this.onReadings || this.stopped || batch.length === 0) return;
    const readings = batch.map((reading) => {
      const last = this.lastTimeMs.get(reading.tag);
      const timeMs = last !== undefined && reading.time.getTime() <= last ? last + 1 : reading.time.getTime();
      this.lastTimeMs.set(reading.tag, timeMs);
      return timeMs === reading.time.getTime() ? reading : { ...reading, time: new Date(timeMs) };
    });
    try {
      this.onReadings(readings);
    } catch (error) {
      this.logger?.error({ driver: this.name, err: error }, "el receptor de lecturas lanzó un error");
    }
  }

  private setStatus(state: DriverStatus["state"], detail: string | null): void {
    this.statusBroadcaster.set(state, detail);
  }
}

/** Identity of a console delivery: tank number and start stamp (`3@2611011405`). */
export function deliveryKey(tankNumber: number, startStamp: string): string {
  return `${tankNumber}@${startStamp}`;
}
