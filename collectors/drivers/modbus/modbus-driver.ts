import { QUALITY_BAD, QUALITY_GOOD, type Reading } from "../../../server/contracts/measurement";
import type { Logger } from "../../../server/platform/logger";
import type { Driver, DriverState, DriverStatus } from "../driver";
import { DriverStatusBroadcaster } from "../status-broadcaster";
import { decodeBit, decodeValue, isGatewayException, scaleValue, type ModbusResponse } from "./codec";
import {
  parseModbusConfig,
  planDevice,
  type ModbusConnectionConfig,
  type ModbusConnectionConfigInput,
  type ModbusDeviceConfig,
  type ReadBlock,
} from "./config";
import { ModbusRequestError, ModbusTcpLink, type ModbusLinkStatus } from "./transport";

/**
 * Modbus TCP driver: polls the devices of one `kind: "modbus"` connection config.
 *
 *   driver ─┬─ device A: ModbusTcpLink (socket + queue) ◄── poll group timers (one per group)
 *           ├─ device B: ModbusTcpLink                  ◄── …
 *           └─ …  nothing is shared between devices but the onReadings callback
 *
 * Per device:
 *   connecting ──first valid response──► connected ──timeout / link lost / gateway exception 0A,0B──► disconnected
 *        │                                  ▲                                                           │
 *        └──connect refused / timed out─────┼──────────────────────────► disconnected ──valid response──┘
 *
 * - A device is "connected" only once it answers: an open socket to a gateway whose unit is dead is
 *   still an outage.
 * - On entering "disconnected" each tag of the device gets one BAD reading (A30-MS-15 evidence of
 *   the interruption; contract in ../driver.ts); then nothing until a good value arrives.
 * - An exception response (address, value, busy…) means the device is up but one block cannot be
 *   read: the block's tags get one BAD reading, the others keep flowing. A NaN/Inf value is BAD
 *   for its tag alone. Again once per episode.
 * - Readings are timestamped at reception, never earlier than the previous reading of the tag, so
 *   each tag's readings are in time order (the device has no clock of its own in Modbus).
 * - A poll whose previous cycle is still running is skipped and counted, not queued: a slow device
 *   cannot build a backlog, and it only ever delays its own queue (A30-MS-13 continuous
 *   acquisition of the other meters; research anchors §2.2).
 * - The status of the driver aggregates the devices: "disconnected" if any is down (the detail
 *   names which and why), else "connecting" while any has not answered yet, else "connected".
 *   `deviceStatuses()` / `onDeviceStatus` give the per-device view (A30-MS-19 diagnostics).
 */

export interface ModbusDriverOptions {
  /** A parsed config or its input form (parsed here; throws ModbusConfigError). */
  config: ModbusConnectionConfig | ModbusConnectionConfigInput;
  name?: string;
  logger?: Logger;
  now?: () => Date;
  /** Reconnection backoff of every device link. Defaults 250 ms → 10 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Re-open a device's connection after this many response timeouts in a row. Default 2. */
  reconnectAfterTimeouts?: number;
}

export interface ModbusDeviceCounters {
  polls: number;
  skippedPolls: number;
  requests: number;
  responses: number;
  timeouts: number;
  exceptions: number;
  protocolErrors: number;
  connects: number;
  disconnects: number;
}

export interface ModbusDeviceStatus {
  key: string;
  host: string;
  port: number;
  unitId: number;
  state: DriverState;
  since: Date;
  /** Why the device is down (the cause that started the outage), in Spanish. */
  detail: string | null;
  /** Most recent error, also while connected (e.g. an exception on one block). */
  lastError: string | null;
  lastGoodAt: Date | null;
  counters: ModbusDeviceCounters;
}

export interface ModbusDriver extends Driver {
  deviceStatuses(): ModbusDeviceStatus[];
  onDeviceStatus(listener: (status: ModbusDeviceStatus) => void): () => void;
}

export function createModbusDriver(options: ModbusDriverOptions): ModbusDriver {
  return new ModbusDriverImpl(options);
}

interface DevicePollerDeps {
  now: () => Date;
  logger: Logger | undefined;
  deliver: (readings: Reading[]) => void;
  onStatus: (status: ModbusDeviceStatus) => void;
  initialBackoffMs: number | undefined;
  maxBackoffMs: number | undefined;
  reconnectAfterTimeouts: number | undefined;
}

interface PollGroupState {
  intervalMs: number;
  blocks: ReadBlock[];
  timer: NodeJS.Timeout | null;
  running: boolean;
}

class DevicePoller {
  readonly device: ModbusDeviceConfig;
  private readonly deps: DevicePollerDeps;
  private readonly link: ModbusTcpLink;
  private readonly groups: PollGroupState[];
  private readonly tags: string[];
  private currentStatus: ModbusDeviceStatus;
  private readonly badTags = new Set<string>();
  private readonly lastValues = new Map<string, number>();
  private readonly lastTimesMs = new Map<string, number>();
  private counters = { polls: 0, skippedPolls: 0, requests: 0, responses: 0, timeouts: 0, exceptions: 0, protocolErrors: 0 };
  private downSinceMs: number | null = null;
  private stopped = false;

  constructor(device: ModbusDeviceConfig, deps: DevicePollerDeps) {
    this.device = device;
    this.deps = deps;
    this.link = new ModbusTcpLink({
      host: device.host,
      port: device.port,
      timeoutMs: device.timeoutMs,
      initialBackoffMs: deps.initialBackoffMs,
      maxBackoffMs: deps.maxBackoffMs,
      reconnectAfterTimeouts: deps.reconnectAfterTimeouts,
      logger: deps.logger,
    });
    this.groups = planDevice(device).map((blocks, index) => ({
      intervalMs: device.pollGroups[index]?.intervalMs ?? 1000,
      blocks,
      timer: null,
      running: false,
    }));
    this.tags = device.pollGroups.flatMap((group) => group.items.map((item) => item.tag));
    this.currentStatus = this.makeStatus("idle", null, null);
  }

  get status(): ModbusDeviceStatus {
    return { ...this.currentStatus, counters: this.countersSnapshot() };
  }

  /** Requests one poll cycle needs (after merging), for logs and tests. */
  get requestsPerCycle(): number {
    return this.groups.reduce((sum, group) => sum + group.blocks.length, 0);
  }

  start(): void {
    this.setStatus("connecting", null);
    this.link.onStatus((status) => this.onLinkStatus(status));
    for (const group of this.groups) {
      group.timer = setInterval(() => void this.poll(group), group.intervalMs);
    }
    this.link.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const group of this.groups) if (group.timer) clearInterval(group.timer);
    await this.link.close();
    this.setStatus("stopped", null);
  }

  private onLinkStatus(status: ModbusLinkStatus): void {
    if (this.stopped) return;
    if (status.state === "connected") {
      this.deps.logger?.debug({ device: this.device.key, link: this.link.address }, "conexión Modbus abierta");
      // Poll at once instead of waiting up to one interval: fast first value and fast recovery.
      for (const group of this.groups) void this.poll(group);
    } else if (status.state === "disconnected") {
      this.markDown(status.detail ?? "conexión perdida");
    }
  }

  private async poll(group: PollGroupState): Promise<void> {
    if (this.stopped) return;
    if (group.running || this.link.status.state !== "connected") {
      this.counters.skippedPolls += 1;
      return;
    }
    group.running = true;
    this.counters.polls += 1;
    try {
      for (const block of group.blocks) {
        if (this.stopped) return;
        // After a timeout or a lost link the rest of the cycle would only wait for more timeouts.
        if ((await this.readBlock(block)) === "link-failure") return;
      }
    } finally {
      group.running = false;
    }
  }

  private async readBlock(block: ReadBlock): Promise<"ok" | "block-failure" | "link-failure"> {
    let response: ModbusResponse;
    this.counters.requests += 1;
    try {
      response = await this.link.request(this.device.unitId, {
        functionCode: block.functionCode,
        address: block.address,
        quantity: block.quantity,
      });
    } catch (error) {
      if (this.stopped) return "link-failure";
      const failure = error instanceof ModbusRequestError ? error : new ModbusRequestError("protocol", String(error));
      switch (failure.kind) {
        case "timeout":
          this.counters.timeouts += 1;
          this.markDown(failure.message);
          return "link-failure";
        case "protocol":
          this.counters.protocolErrors += 1;
          this.blockFailed(block, failure.message);
          return "block-failure";
        default:
          // not-connected / connection-lost / closed: the link's status change reports the outage.
          return "link-failure";
      }
    }
    if (this.stopped) return "link-failure";
    this.counters.responses += 1;
    if (response.kind === "exception") {
      this.counters.exceptions += 1;
      const what = `excepción ${response.exceptionCode} (${response.message}) de la unidad ${this.device.unitId}`;
      if (isGatewayException(response.exceptionCode)) {
        this.markDown(`${what} en ${this.link.address}`);
        return "link-failure";
      }
      this.markUp();
      this.blockFailed(block, `${what} al leer ${block.table} ${block.address} (${block.quantity})`);
      return "block-failure";
    }
    this.markUp();
    this.deliverBlock(block, response);
    return "ok";
  }

  private deliverBlock(block: ReadBlock, response: ModbusResponse): void {
    const nowMs = this.deps.now().getTime();
    const readings: Reading[] = [];
    for (const { item, offset } of block.items) {
      const raw =
        response.kind === "bits"
          ? decodeBit(response.bits, offset)
          : response.kind === "registers"
            ? decodeValue(response.registers, offset, item.type, item.order)
            : Number.NaN;
      const scaled = scaleValue(raw, item.scale, item.offset, this.lastValues.get(item.tag) ?? 0);
      if (scaled.quality === QUALITY_GOOD) {
        this.badTags.delete(item.tag);
        this.lastValues.set(item.tag, scaled.value);
        readings.push({ tag: item.tag, time: this.readingTime(item.tag, nowMs), value: scaled.value, quality: QUALITY_GOOD });
      } else if (!this.badTags.has(item.tag)) {
        this.badTags.add(item.tag);
        this.currentStatus = { ...this.currentStatus, lastError: `${item.tag}: valor no finito (${raw})` };
        this.deps.logger?.warn({ device: this.device.key, tag: item.tag, raw }, "valor Modbus no finito: calidad BAD");
        readings.push({ tag: item.tag, time: this.readingTime(item.tag, nowMs), value: scaled.value, quality: QUALITY_BAD });
      }
    }
    if (readings.length > 0) this.deps.deliver(readings);
  }

  private blockFailed(block: ReadBlock, detail: string): void {
    const fresh = block.items.some(({ item }) => !this.badTags.has(item.tag));
    this.currentStatus = { ...this.currentStatus, lastError: detail };
    if (fresh) this.deps.logger?.warn({ device: this.device.key, detail }, "bloque Modbus ilegible: calidad BAD");
    this.emitBad(block.items.map(({ item }) => item.tag));
  }

  private markDown(detail: string): void {
    if (this.stopped) return;
    if (this.currentStatus.state === "disconnected") {
      // Keep the cause that started the outage as the detail; remember the latest error.
      this.currentStatus = { ...this.currentStatus, lastError: detail };
      return;
    }
    this.downSinceMs = Date.now();
    this.setStatus("disconnected", detail);
    this.deps.logger?.warn({ device: this.device.key, unitId: this.device.unitId, detail }, "dispositivo Modbus sin comunicación");
    // One BAD reading per tag marks the start of the gap (A30-MS-15).
    this.emitBad(this.tags);
  }

  private markUp(): void {
    if (this.currentStatus.state === "connected") {
      this.currentStatus.lastGoodAt = this.deps.now();
      return;
    }
    const outageMs = this.downSinceMs === null ? null : Date.now() - this.downSinceMs;
    this.downSinceMs = null;
    this.setStatus("connected", null);
    this.currentStatus.lastGoodAt = this.currentStatus.since;
    this.deps.logger?.info({ device: this.device.key, unitId: this.device.unitId, outageMs }, "dispositivo Modbus en comunicación");
  }

  private emitBad(tags: readonly string[]): void {
    const nowMs = this.deps.now().getTime();
    const readings: Reading[] = [];
    for (const tag of tags) {
      if (this.badTags.has(tag)) continue;
      this.badTags.add(tag);
      readings.push({ tag, time: this.readingTime(tag, nowMs), value: this.lastValues.get(tag) ?? 0, quality: QUALITY_BAD });
    }
    if (readings.length > 0) this.deps.deliver(readings);
  }

  private readingTime(tag: string, nowMs: number): Date {
    const timeMs = Math.max(nowMs, this.lastTimesMs.get(tag) ?? Number.NEGATIVE_INFINITY);
    this.lastTimesMs.set(tag, timeMs);
    return new Date(timeMs);
  }

  private countersSnapshot(): ModbusDeviceCounters {
    const link = this.link.stats;
    return { ...this.counters, connects: link.connects, disconnects: link.disconnects };
  }

  private makeStatus(state: DriverState, detail: string | null, previous: ModbusDeviceStatus | null): ModbusDeviceStatus {
    return {
      key: this.device.key,
      host: this.device.host,
      port: this.device.port,
      unitId: this.device.unitId,
      state,
      since: this.deps.now(),
      detail,
      lastError: detail ?? previous?.lastError ?? null,
      lastGoodAt: previous?.lastGoodAt ?? null,
      counters: this.countersSnapshot(),
    };
  }

  private setStatus(state: DriverState, detail: string | null): void {
    if (this.currentStatus.state === state && this.currentStatus.detail === detail) return;
    this.currentStatus = this.makeStatus(state, detail, this.currentStatus);
    this.deps.onStatus(this.status);
  }
}

class ModbusDriverImpl implements ModbusDriver {
  readonly name: string;
  private readonly config: ModbusConnectionConfig;
  private readonly options: ModbusDriverOptions;
  private readonly now: () => Date;
  private readonly logger: Logger | undefined;
  private readonly pollers: DevicePoller[] = [];
  private readonly statusBroadcaster: DriverStatusBroadcaster;
  private readonly deviceListeners = new Set<(status: ModbusDeviceStatus) => void>();
  private onReadings: ((readings: Reading[]) => void) | null = null;
  private stopped = false;

  constructor(options: ModbusDriverOptions) {
    this.config = parseModbusConfig(options.config);
    this.options = options;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
    const first = this.config.devices[0];
    this.name =
      options.name ??
      (this.config.devices.length === 1 && first ? `modbus:${first.host}:${first.port}/${first.unitId}` : `modbus:${this.config.devices.length} dispositivos`);
    this.statusBroadcaster = new DriverStatusBroadcaster(this.now, this.logger, () => this.name);
  }

  get status(): DriverStatus {
    return this.statusBroadcaster.status;
  }

  onStatus(listener: (status: DriverStatus) => void): () => void {
    return this.statusBroadcaster.subscribe(listener);
  }

  onDeviceStatus(listener: (status: ModbusDeviceStatus) => void): () => void {
    this.deviceListeners.add(listener);
    return () => this.deviceListeners.delete(listener);
  }

  deviceStatuses(): ModbusDeviceStatus[] {
    return this.pollers.map((poller) => poller.status);
  }

  async start(onReadings: (readings: Reading[]) => void): Promise<void> {
    if (this.onReadings || this.stopped) throw new Error(`${this.name} ya está iniciado`);
    this.onReadings = onReadings;
    for (const device of this.config.devices) {
      const poller = new DevicePoller(device, {
        now: this.now,
        logger: this.logger?.child({ driver: this.name, device: device.key }),
        deliver: (readings) => this.deliver(readings),
        onStatus: (status) => this.onPollerStatus(status),
        initialBackoffMs: this.options.initialBackoffMs,
        maxBackoffMs: this.options.maxBackoffMs,
        reconnectAfterTimeouts: this.options.reconnectAfterTimeouts,
      });
      this.pollers.push(poller);
    }
    this.logger?.info(
      {
        driver: this.name,
        devices: this.pollers.map((p) => ({ key: p.device.key, unitId: p.device.unitId, requestsPerCycle: p.requestsPerCycle })),
      },
      "driver Modbus iniciado",
    );
    for (const poller of this.pollers) poller.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // No reading after stop() resolves: cut delivery first, then release sockets and timers.
    this.onReadings = null;
    await Promise.all(this.pollers.map((poller) => poller.stop()));
    this.setStatus("stopped", null);
    this.statusBroadcaster.clear();
    this.deviceListeners.clear();
  }

  private onPollerStatus(status: ModbusDeviceStatus): void {
    for (const listener of this.deviceListeners) {
      try {
        listener(status);
      } catch (error) {
        this.logger?.error({ driver: this.name, err: error }, "un observador de estado lanzó un error");
      }
    }
    if (!this.stopped) this.recomputeStatus();
  }

  private recomputeStatus(): void {
    const statuses = this.pollers.map((poller) => poller.status);
    const down = statuses.filter((s) => s.state === "disconnected");
    if (down.length > 0) {
      const list = down.map((s) => `${s.key} (${s.detail ?? "sin detalle"})`).join("; ");
      this.setStatus("disconnected", `sin comunicación con ${down.length} de ${statuses.length} dispositivos Modbus: ${list}`);
    } else if (statuses.some((s) => s.state === "connecting" || s.state === "idle")) {
      this.setStatus("connecting", null);
    } else {
      this.setStatus("connected", null);
    }
  }

  private deliver(readings: Reading[]): void {
    if (!this.onReadings || readings.length === 0) return;
    try {
      this.onReadings(readings);
    } catch (error) {
      this.logger?.error({ driver: this.name, err: error }, "el receptor de lecturas lanzó un error");
    }
  }

  private setStatus(state: DriverState, detail: string | null): void {
    this.statusBroadcaster.set(state, detail);
  }
}

