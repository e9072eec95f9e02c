import os from "node:os";
import path from "node:path";
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
} from "node-opcua";
import { QUALITY_BAD, type Quality, type Reading } from "../../../server/contracts/measurement";
import type { Logger } from "../../../server/platform/logger";
import type { Driver, DriverStatus, DriverTag } from "../driver";
import { dataValueToReading, resolveNodeId } from "./data-value";

/**
 * OPC UA driver: one client, one session, one subscription with a monitored item per tag.
 *
 * Connection life cycle (node-opcua 2.182):
 *
 *   start ─► connect (connectionStrategy: retry forever, backoff capped at maxBackoffMs)
 *             │
 *             ▼
 *   rebuild: [close old session] → createSession → read NamespaceArray (resolve nsu=)
 *            → createSubscription → monitorItems ─► connected
 *             ▲                                        │
 *             │   client "connection_lost" ────────────┤ → disconnected (+ one BAD reading per tag)
 *             │   node-opcua re-creates the channel and repairs the session itself, then
 *             ├── session "session_restored": new subscription + items on the repaired session
 *             ├── session "session_closed" / "keepalive_failure": new session + subscription
 *             ├── subscription "terminated" / watchdog (no data nor keep-alive in watchdogMs)
 *             └── rebuild failed: retry with backoff; after 3 failures, a brand-new client
 *
 * Why re-create the subscription after "session_restored" even though node-opcua tries to
 * transfer it: after a *server restart* the old subscription does not exist any more and the
 * library's transfer/re-creation path is not reliable in every version; a fresh subscription costs
 * one round trip and its initial notifications re-read every tag at once.
 *
 * Issue 3 completes this: certificate trust lists instead of auto-accept, user credentials,
 * SignAndEncrypt by default (A30-MS-14), bitácora entries for outages (A30-MS-15).
 */

export type OpcuaSecurityMode = "None" | "Sign" | "SignAndEncrypt";
export type OpcuaSecurityPolicy = "None" | "Basic256Sha256";

export interface OpcuaDriverOptions {
  endpointUrl: string;
  tags: readonly DriverTag[];
  name?: string;
  samplingIntervalMs?: number;
  publishingIntervalMs?: number;
  queueSize?: number;
  securityMode?: OpcuaSecurityMode;
  securityPolicy?: OpcuaSecurityPolicy;
  /** Client PKI folder. Default: <tmpdir>/aforo-opcua-pki/collector (never inside the repository). */
  pkiDir?: string;
  /** Cap of the reconnection backoff. Default 10 s. */
  maxBackoffMs?: number;
  /** Rebuild the subscription when neither data nor keep-alive arrived for this long. */
  watchdogMs?: number;
  /** Per-request timeout of the rebuild steps. Default 10 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
  now?: () => Date;
}

const KEEP_ALIVE_COUNT = 10;
const LIFETIME_COUNT = 60;
const HARD_RESET_AFTER_FAILURES = 3;

export function createOpcuaDriver(options: OpcuaDriverOptions): Driver {
  return new OpcuaDriver(options);
}

class OpcuaDriver implements Driver {
  readonly name: string;
  private readonly options: OpcuaDriverOptions;
  private readonly samplingIntervalMs: number;
  private readonly publishingIntervalMs: number;
  private readonly queueSize: number;
  private readonly maxBackoffMs: number;
  private readonly watchdogMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => Date;
  private readonly logger: Logger | undefined;

  private currentStatus: DriverStatus;
  private readonly statusListeners = new Set<(status: DriverStatus) => void>();
  private onReadings: ((readings: Reading[]) => void) | null = null;

  private client: OPCUAClient | null = null;
  private certificateManager: OPCUACertificateManager | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  /** Bumped whenever session/subscription are replaced; callbacks of older ones are ignored. */
  private generation = 0;
  private stopped = false;

  private rebuilding: Promise<void> | null = null;
  private pendingRebuild: { reason: string; newSession: boolean } | null = null;
  private consecutiveFailures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private repairTimer: NodeJS.Timeout | null = null;
  private recycling = false;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private lastActivityMs = 0;
  private disconnectedAtMs: number | null = null;
  private readonly lastValues = new Map<string, number>();

  constructor(options: OpcuaDriverOptions) {
    if (options.tags.length === 0) throw new Error("el driver OPC UA necesita al menos una etiqueta");
    this.options = options;
    this.name = options.name ?? `opcua:${options.endpointUrl}`;
    this.samplingIntervalMs = options.samplingIntervalMs ?? 1000;
    this.publishingIntervalMs = options.publishingIntervalMs ?? 1000;
    this.queueSize = options.queueSize ?? 10;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.watchdogMs = options.watchdogMs ?? Math.max(15_000, this.publishingIntervalMs * KEEP_ALIVE_COUNT * 3);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
    this.currentStatus = { state: "idle", since: this.now(), detail: null };
  }

  get status(): DriverStatus {
    return this.currentStatus;
  }

  onStatus(listener: (status: DriverStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async start(onReadings: (readings: Reading[]) => void): Promise<void> {
    if (this.onReadings) throw new Error(`${this.name} ya está iniciado`);
    this.onReadings = onReadings;
    this.setStatus("connecting", null);
    this.watchdogTimer = setInterval(() => this.checkWatchdog(), 1000);
    void this.connectClient();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.repairTimer) clearTimeout(this.repairTimer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    // Tear down first: an in-flight rebuild then fails fast instead of running into its timeouts,
    // and it checks `stopped` after every step, so it cannot install anything afterwards.
    await this.teardown();
    await this.rebuilding?.catch(() => undefined);
    this.setStatus("stopped", null);
    this.onReadings = null;
    this.statusListeners.clear();
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  private createClient(): OPCUAClient {
    const pkiDir = this.options.pkiDir ?? path.join(os.tmpdir(), "aforo-opcua-pki", "collector");
    // Issue 3: a managed trust list; for now the server certificate is accepted on first use.
    this.certificateManager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
    const client = OPCUAClient.create({
      applicationName: "AforoCollector",
      endpointMustExist: false,
      securityMode: MessageSecurityMode[this.options.securityMode ?? "None"],
      securityPolicy: SecurityPolicy[this.options.securityPolicy ?? "None"],
      clientCertificateManager: this.certificateManager,
      connectionStrategy: { initialDelay: 500, maxDelay: this.maxBackoffMs, maxRetry: -1 },
      requestedSessionTimeout: 60_000,
      keepSessionAlive: true,
    });
    client.on("backoff", (retry: number, delayMs: number) => {
      if (client !== this.client) return;
      this.markDisconnected(`sin conexión con ${this.options.endpointUrl} (intento ${retry + 1}, siguiente en ${delayMs} ms)`);
    });
    client.on("connection_lost", () => {
      if (client !== this.client) return;
      this.markDisconnected("conexión perdida");
    });
    client.on("after_reconnection", () => {
      if (client !== this.client) return;
      this.logger?.info({ driver: this.name }, "canal OPC UA restablecido; reparando la sesión");
      // node-opcua now reactivates or re-creates the session and then emits "session_restored".
      // If that never completes, start over with a new client.
      this.armRepairDeadline();
    });
    return client;
  }

  private async connectClient(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    try {
      // Resolves once connected; retries forever with backoff (aborted by disconnect on stop).
      await client.connect(this.options.endpointUrl);
    } catch (error) {
      if (this.stopped || client !== this.client) return;
      this.logger?.warn({ driver: this.name, err: error }, "no se pudo conectar al servidor OPC UA");
      // Start over with a new client after the backoff.
      this.consecutiveFailures = Math.max(this.consecutiveFailures, HARD_RESET_AFTER_FAILURES);
      this.scheduleRetry("conexión fallida", true);
      return;
    }
    if (this.stopped || client !== this.client) return;
    this.requestRebuild("conexión inicial", true);
  }

  /** Replaces the whole client (used when rebuilding on the existing one keeps failing). */
  private async recycleClient(): Promise<void> {
    if (this.recycling || this.stopped) return;
    this.recycling = true;
    try {
      this.logger?.warn({ driver: this.name }, "reiniciando el cliente OPC UA");
      await this.rebuilding?.catch(() => undefined);
      await this.teardown();
      if (this.stopped) return;
      this.consecutiveFailures = 0;
    } finally {
      this.recycling = false;
    }
    await this.connectClient();
  }

  private async teardown(): Promise<void> {
    this.generation += 1;
    const subscription = this.subscription;
    const session = this.session;
    const client = this.client;
    const certificateManager = this.certificateManager;
    this.subscription = null;
    this.session = null;
    this.client = null;
    this.certificateManager = null;
    // With the link down, terminate/close would only wait for their timeouts: the server drops
    // an abandoned session by itself (requestedSessionTimeout).
    const linkUp = this.currentStatus.state === "connected";
    if (subscription && linkUp) await this.withTimeout(subscription.terminate(), 2000, "terminate").catch(() => undefined);
    if (session && linkUp) await this.withTimeout(session.close(true), 2000, "closeSession").catch(() => undefined);
    if (client) await this.withTimeout(client.disconnect(), 5000, "disconnect").catch(() => undefined);
    // The client only decrements the manager's reference count; this call really disposes it.
    if (certificateManager) await certificateManager.dispose().catch(() => undefined);
  }

  // ── session + subscription ──────────────────────────────────────────────────────────────

  private requestRebuild(reason: string, newSession: boolean): void {
    if (this.stopped) return;
    if (this.rebuilding) {
      this.pendingRebuild = { reason, newSession: newSession || (this.pendingRebuild?.newSession ?? false) };
      return;
    }
    this.rebuilding = this.rebuild(reason, newSession).finally(() => {
      this.rebuilding = null;
      const pending = this.pendingRebuild;
      this.pendingRebuild = null;
      if (pending) this.requestRebuild(pending.reason, pending.newSession);
    });
  }

  private async rebuild(reason: string, newSession: boolean): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    const startedMs = Date.now();
    this.logger?.debug({ driver: this.name, reason, newSession }, "creando la suscripción OPC UA");
    this.generation += 1;
    const generation = this.generation;
    const oldSubscription = this.subscription;
    this.subscription = null;
    try {
      if (oldSubscription) await this.withTimeout(oldSubscription.terminate(), 2000, "terminate").catch(() => undefined);
      if (newSession || !this.session) {
        const oldSession = this.session;
        this.session = null;
        if (oldSession) await this.withTimeout(oldSession.close(true), 2000, "closeSession").catch(() => undefined);
        const session = await this.withTimeout(client.createSession(), this.requestTimeoutMs, "createSession");
        if (this.stopped || generation !== this.generation) {
          await session.close(true).catch(() => undefined);
          return;
        }
        this.session = session;
        this.attachSessionListeners(session);
      }
      const session = this.session;
      if (!session) return;
      const namespaceArray = await this.withTimeout(session.readNamespaceArray(), this.requestTimeoutMs, "readNamespaceArray");
      const subscription = await this.withTimeout(
        session.createSubscription2({
          requestedPublishingInterval: this.publishingIntervalMs,
          requestedLifetimeCount: LIFETIME_COUNT,
          requestedMaxKeepAliveCount: KEEP_ALIVE_COUNT,
          maxNotificationsPerPublish: 0,
          publishingEnabled: true,
          priority: 10,
        }),
        this.requestTimeoutMs,
        "createSubscription",
      );
      if (this.stopped || generation !== this.generation) {
        await subscription.terminate().catch(() => undefined);
        return;
      }
      this.subscription = subscription;
      this.attachSubscriptionListeners(subscription, generation);

      const items: Array<{ tag: string; nodeId: string }> = [];
      const unresolved: string[] = [];
      for (const tag of this.options.tags) {
        const nodeId = resolveNodeId(tag.nodeId, namespaceArray);
        if (nodeId) items.push({ tag: tag.tag, nodeId });
        else unresolved.push(tag.tag);
      }
      if (unresolved.length > 0) {
        this.logger?.error({ driver: this.name, tags: unresolved }, "espacio de nombres OPC UA desconocido en el servidor");
        this.emitBad(unresolved);
      }
      if (items.length > 0) {
        const group = await this.withTimeout(
          subscription.monitorItems(
            items.map((item) => ({ nodeId: item.nodeId, attributeId: AttributeIds.Value })),
            { samplingInterval: this.samplingIntervalMs, queueSize: this.queueSize, discardOldest: true },
            TimestampsToReturn.Both,
          ),
          this.requestTimeoutMs,
          "monitorItems",
        );
        this.attachGroupListeners(group, items, generation);
        this.reportRejectedItems(group, items);
      }
      const outageMs = this.disconnectedAtMs === null ? null : Date.now() - this.disconnectedAtMs;
      this.consecutiveFailures = 0;
      this.lastActivityMs = Date.now();
      this.disconnectedAtMs = null;
      if (this.repairTimer) clearTimeout(this.repairTimer);
      this.repairTimer = null;
      this.setStatus("connected", null);
      this.logger?.info(
        { driver: this.name, reason, tags: items.length, rebuildMs: Date.now() - startedMs, outageMs },
        "suscripción OPC UA activa",
      );
    } catch (error) {
      if (this.stopped) return;
      this.consecutiveFailures += 1;
      this.logger?.warn({ driver: this.name, reason, err: error, failures: this.consecutiveFailures }, "no se pudo crear la suscripción OPC UA");
      this.markDisconnected(`no se pudo suscribir: ${(error as Error).message}`);
      this.scheduleRetry(reason, true);
    }
  }

  private armRepairDeadline(): void {
    if (this.repairTimer) clearTimeout(this.repairTimer);
    this.repairTimer = setTimeout(() => {
      this.repairTimer = null;
      if (this.stopped || this.currentStatus.state === "connected" || this.rebuilding) return;
      this.logger?.warn({ driver: this.name }, "la sesión OPC UA no se reparó a tiempo");
      void this.recycleClient();
    }, this.requestTimeoutMs + 5000);
  }

  private scheduleRetry(reason: string, newSession: boolean): void {
    if (this.stopped || this.retryTimer) return;
    const delayMs = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(this.consecutiveFailures, 10));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      if (!this.client || this.consecutiveFailures >= HARD_RESET_AFTER_FAILURES) void this.recycleClient();
      else this.requestRebuild(`reintento tras: ${reason}`, newSession);
    }, delayMs);
  }

  private attachSessionListeners(session: ClientSession): void {
    const isCurrent = (): boolean => !this.stopped && session === this.session;
    // While the channel is down node-opcua's own reconnection owns the session; acting on
    // "session_closed"/"keepalive_failure" then would only race with it.
    const isCurrentAndUp = (): boolean => isCurrent() && this.currentStatus.state === "connected";
    session.on("session_restored", () => {
      if (isCurrent()) this.requestRebuild("sesión restaurada", false);
    });
    session.on("session_closed", () => {
      if (isCurrentAndUp()) this.requestRebuild("sesión cerrada por el servidor", true);
    });
    session.on("keepalive_failure", () => {
      if (isCurrentAndUp()) this.requestRebuild("fallo de keep-alive de la sesión", true);
    });
  }

  private attachSubscriptionListeners(subscription: ClientSubscription, generation: number): void {
    subscription.on("keepalive", () => {
      if (generation === this.generation) this.lastActivityMs = Date.now();
    });
    subscription.on("terminated", () => {
      if (generation === this.generation && !this.stopped) this.requestRebuild("suscripción terminada", false);
    });
    subscription.on("internal_error", (error: Error) => {
      if (generation !== this.generation || this.stopped) return;
      this.logger?.warn({ driver: this.name, err: error }, "error interno de la suscripción OPC UA");
      this.requestRebuild("error de la suscripción", false);
    });
  }

  private attachGroupListeners(group: ClientMonitoredItemGroup, items: Array<{ tag: string }>, generation: number): void {
    group.on("changed", (_item: unknown, dataValue: DataValue, index: number) => {
      if (generation !== this.generation || this.stopped) return;
      const tag = items[index]?.tag;
      if (!tag) return;
      this.lastActivityMs = Date.now();
      const reading = dataValueToReading(tag, dataValue, this.lastValues.get(tag) ?? 0, this.now());
      if (reading.quality !== QUALITY_BAD) this.lastValues.set(tag, reading.value);
      this.deliver([reading]);
    });
  }

  private reportRejectedItems(group: ClientMonitoredItemGroup, items: Array<{ tag: string; nodeId: string }>): void {
    const rejected: string[] = [];
    group.monitoredItems.forEach((item, index) => {
      const code = item.statusCode;
      const tag = items[index]?.tag;
      if (tag && code && code.isNotGood()) rejected.push(`${tag} (${items[index]?.nodeId}: ${code.name})`);
    });
    if (rejected.length === 0) return;
    this.logger?.error({ driver: this.name, rejected }, "el servidor OPC UA rechazó elementos monitoreados");
    this.emitBad(rejected.map((entry) => entry.split(" (")[0] ?? entry));
  }

  private checkWatchdog(): void {
    if (this.stopped || this.currentStatus.state !== "connected" || this.rebuilding) return;
    if (Date.now() - this.lastActivityMs <= this.watchdogMs) return;
    this.logger?.warn({ driver: this.name, silentMs: Date.now() - this.lastActivityMs }, "sin datos ni keep-alive OPC UA");
    this.markDisconnected("sin datos del servidor");
    this.requestRebuild("vigilancia: sin datos", true);
  }

  // ── status and readings ─────────────────────────────────────────────────────────────────

  private markDisconnected(detail: string): void {
    if (this.stopped) return;
    if (this.currentStatus.state === "disconnected") return;
    this.disconnectedAtMs = Date.now();
    this.setStatus("disconnected", detail);
    this.logger?.warn({ driver: this.name, detail }, "driver OPC UA desconectado");
    // One BAD reading per tag marks the start of the gap (A30-MS-15).
    this.emitBad(this.options.tags.map((t) => t.tag));
  }

  private emitBad(tags: readonly string[]): void {
    const time = this.now();
    const quality: Quality = QUALITY_BAD;
    this.deliver(tags.map((tag) => ({ tag, time, value: this.lastValues.get(tag) ?? 0, quality })));
  }

  private deliver(readings: Reading[]): void {
    if (!this.onReadings || readings.length === 0) return;
    try {
      this.onReadings(readings);
    } catch (error) {
      this.logger?.error({ driver: this.name, err: error }, "el receptor de lecturas lanzó un error");
    }
  }

  private setStatus(state: DriverStatus["state"], detail: string | null): void {
    if (this.currentStatus.state === state && this.currentStatus.detail === detail) return;
    this.currentStatus = { state, since: this.now(), detail };
    for (const listener of this.statusListeners) {
      try {
        listener(this.currentStatus);
      } catch (error) {
        this.logger?.error({ driver: this.name, err: error }, "un observador de estado lanzó un error");
      }
    }
  }

  private async withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: sin respuesta en ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
