import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  OPCUAClient,
  TimestampsToReturn,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type MonitoringParametersOptions,
} from "node-opcua";
import type { Reading } from "../../../server/contracts/measurement";
import type { Logger } from "../../../server/platform/logger";
import type { Driver, DriverStatus, DriverTag } from "../driver";
import { defaultPkiDir, describeAuth, resolveSecurity, userIdentity, type OpcuaEndpointOptions } from "./connection";
import { OutageTracker, ReadingGate, type Outage } from "./continuity";
import { dataValueToReading, resolveNodeId } from "./data-value";
import { describeOpcuaError, type OpcuaFailure } from "./errors";
import { openCertificateManager, type ObservedCertificateManager, type RefusedCertificate } from "./pki";
import { SubscriptionWatchdog, watchdogTimeoutMs } from "./watchdog";

export type { OpcuaAuthOption, OpcuaSecurityMode, OpcuaSecurityPolicy } from "./connection";

/**
 * OPC UA driver: one client, one session, one subscription with monitored items per tag.
 *
 * Connection life cycle (node-opcua 2.182):
 *
 *   start ─► connect (secure modes first fetch and verify the server certificate against the
 *             │       trust list in pkiDir; unknown → rejected/, refused, retried with backoff)
 *             ▼
 *   rebuild: [close old session] → createSession(user identity) → read NamespaceArray (nsu=)
 *            → createSubscription → monitorItems (grouped by sampling/queue/deadband) ─► connected
 *             ▲                                        │
 *             │   client "connection_lost" ────────────┤ → disconnected (+ one BAD reading per tag,
 *             │   node-opcua re-creates the channel    │   outage opened: A30-MS-15)
 *             │   and repairs the session itself, then │
 *             ├── session "session_restored": new subscription + items on the repaired session
 *             ├── session "session_closed" / "keepalive_failure": new session + subscription
 *             ├── subscription "terminated" / "status_changed" / watchdog (no data nor keep-alive
 *             │   for (2 × maxKeepAliveCount + 1) publishing intervals, Part 4 §5.13.1.1)
 *             └── rebuild failed: retry with backoff; after 3 failures, a brand-new client
 *                 (and certificate store, so a certificate trusted meanwhile is seen)
 *
 * Why re-create the subscription after "session_restored" even though node-opcua tries to
 * transfer it (Part 4 §5.13.7 TransferSubscriptions): after a *server restart* the old
 * subscription does not exist any more and the library's transfer/re-creation path is not
 * reliable in every version (node-opcua #458, #1357, anchors §2.2); a fresh subscription costs one
 * round trip and its initial notifications re-read every tag. Those initial values repeat the last
 * sourceTimestamp when nothing changed: `ReadingGate` drops them, so no (tag, time) is delivered
 * twice (right after an outage marker it re-states such a value once, stamped when the item was
 * requested).
 *
 * Time order per tag (Driver contract): `ReadingGate` never lets through a reading that is not
 * after the tag's last delivered one. After a short cut node-opcua reactivates the old session and
 * Republishes the NotificationMessages the server sent into the dead channel *before* it emits
 * "session_restored", so values sampled just before the outage was detected arrive after the BAD
 * markers (stamped at detection). Such late values are dropped — delivering them would break the
 * order, re-stamping them would falsify their time — counted (`lateReadingsDropped`) and logged.
 *
 * The connection's start and end are kept (`currentOutage`, `lastOutage`, `onOutage`) so the
 * caller writes the bitácora entries "error de comunicación del dispositivo" at detection and on
 * restoration with the duration (A30-MS-15).
 */

export interface OpcuaDeadbandOption {
  /** Part 4 §7.22.2: absolute in engineering units, or percent of the item's EURange. */
  kind: "absolute" | "percent";
  value: number;
}

export interface OpcuaDriverTag extends DriverTag {
  /** Part 4 §7.21 samplingInterval; default the driver's `samplingIntervalMs`. */
  samplingIntervalMs?: number;
  queueSize?: number;
  deadband?: OpcuaDeadbandOption;
}

export type OpcuaOutage = Outage;

export interface OpcuaDriverOptions extends OpcuaEndpointOptions {
  tags: readonly OpcuaDriverTag[];
  name?: string;
  /** Default sampling interval of the tags. Default 1000 ms. */
  samplingIntervalMs?: number;
  /** Default queue size of the tags. Default 10. */
  queueSize?: number;
  /** Part 4 §5.13.2 requestedPublishingInterval. Default 1000 ms. */
  publishingIntervalMs?: number;
  /** Default 60 (≥ 3 × maxKeepAliveCount). */
  lifetimeCount?: number;
  /** Default 10. */
  maxKeepAliveCount?: number;
  /** Cap of the reconnection backoff. Default 10 s. */
  maxBackoffMs?: number;
  /** Rebuild the subscription when neither data nor keep-alive arrived for this long. Default from the revised subscription parameters. */
  watchdogMs?: number;
  /** Per-request timeout of the rebuild steps. Default 10 s. */
  requestTimeoutMs?: number;
  /** Part 4 §5.6.2 requestedSessionTimeout: how long the server keeps the session without traffic. Default 60 s. */
  sessionTimeoutMs?: number;
  logger?: Logger;
  now?: () => Date;
  /** Called when an outage starts (`end` null) and when it ends (A30-MS-15). Must not throw. */
  onOutage?: (outage: OpcuaOutage) => void;
}

export interface OpcuaDriver extends Driver {
  /** The interruption in progress, if any. */
  readonly currentOutage: OpcuaOutage | null;
  /** The last interruption that ended. */
  readonly lastOutage: OpcuaOutage | null;
  /** The server certificate refused at the last attempt (cleared once connected). */
  readonly refusedCertificate: RefusedCertificate | null;
  /**
   * Server values dropped because they arrived behind a reading already delivered for their tag
   * (e.g. replayed after the outage marker), to keep each tag in time order. Re-notifications of a
   * value already delivered are not counted here.
   */
  readonly lateReadingsDropped: number;
  /** Subscribes to outage starts and ends; returns the unsubscribe function. */
  onOutage(listener: (outage: OpcuaOutage) => void): () => void;
}

const HARD_RESET_AFTER_FAILURES = 3;
const INITIAL_BACKOFF_MS = 500;

export function createOpcuaDriver(options: OpcuaDriverOptions): OpcuaDriver {
  return new OpcuaDriverImpl(options);
}

interface MonitoredSpec {
  tag: string;
  nodeId: string;
  samplingIntervalMs: number;
  queueSize: number;
  deadband: OpcuaDeadbandOption | undefined;
}

/** Part 4 §7.22.2 DataChangeFilter for a deadband; null without one (server default: StatusValue). */
export function dataChangeFilter(deadband: OpcuaDeadbandOption | undefined): DataChangeFilter | null {
  if (!deadband) return null;
  return new DataChangeFilter({
    trigger: DataChangeTrigger.StatusValue,
    deadbandType: deadband.kind === "percent" ? DeadbandType.Percent : DeadbandType.Absolute,
    deadbandValue: deadband.value,
  });
}

/** Groups items that share monitoring parameters, so each group is one CreateMonitoredItems call. */
export function groupMonitoredItems<T extends { samplingIntervalMs: number; queueSize: number; deadband?: OpcuaDeadbandOption | undefined }>(
  items: readonly T[],
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.samplingIntervalMs}|${item.queueSize}|${item.deadband ? `${item.deadband.kind}:${item.deadband.value}` : "-"}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

class OpcuaDriverImpl implements OpcuaDriver {
  readonly name: string;
  private readonly options: OpcuaDriverOptions;
  private readonly security: ReturnType<typeof resolveSecurity>;
  private readonly pkiDir: string;
  private readonly samplingIntervalMs: number;
  private readonly queueSize: number;
  private readonly publishingIntervalMs: number;
  private readonly lifetimeCount: number;
  private readonly maxKeepAliveCount: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => Date;
  private readonly logger: Logger | undefined;

  private currentStatus: DriverStatus;
  private readonly statusListeners = new Set<(status: DriverStatus) => void>();
  private readonly outageListeners = new Set<(outage: OpcuaOutage) => void>();
  private onReadings: ((readings: Reading[]) => void) | null = null;

  private client: OPCUAClient | null = null;
  private certificateManager: ObservedCertificateManager | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  /** Bumped whenever session/subscription are replaced; callbacks of older ones are ignored. */
  private generation = 0;
  private stopped = false;

  private rebuilding: Promise<void> | null = null;
  private pendingRebuild: { reason: string; newSession: boolean } | null = null;
  /** Failures since the last success: drives the backoff. */
  private failureStreak = 0;
  /** Failures on the current client: after HARD_RESET_AFTER_FAILURES the client is replaced. */
  private failuresOnClient = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private repairTimer: NodeJS.Timeout | null = null;
  private recycling = false;
  private readonly watchdog: SubscriptionWatchdog;
  private readonly gate = new ReadingGate();
  private readonly outages = new OutageTracker();
  private refused: RefusedCertificate | null = null;
  /** Late drops already reported in the log since the last outage or reconnection (one warning each). */
  private lateDropsReported = 0;

  constructor(options: OpcuaDriverOptions) {
    if (options.tags.length === 0) throw new Error("el driver OPC UA necesita al menos una etiqueta");
    this.options = options;
    this.security = resolveSecurity(options.securityMode ?? "None", options.securityPolicy);
    this.name = options.name ?? `opcua:${options.endpointUrl}`;
    this.pkiDir = options.pkiDir ?? defaultPkiDir();
    this.samplingIntervalMs = options.samplingIntervalMs ?? 1000;
    this.queueSize = options.queueSize ?? 10;
    this.publishingIntervalMs = options.publishingIntervalMs ?? 1000;
    this.maxKeepAliveCount = options.maxKeepAliveCount ?? 10;
    this.lifetimeCount = Math.max(options.lifetimeCount ?? 60, 3 * this.maxKeepAliveCount);
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
    this.currentStatus = { state: "idle", since: this.now(), detail: null };
    if (options.onOutage) this.outageListeners.add(options.onOutage);
    this.watchdog = new SubscriptionWatchdog((sinceMs, silentForMs) => this.onSubscriptionSilent(sinceMs, silentForMs), {
      now: () => this.now().getTime(),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    });
  }

  get status(): DriverStatus {
    return this.currentStatus;
  }

  get currentOutage(): OpcuaOutage | null {
    return this.outages.current;
  }

  get lastOutage(): OpcuaOutage | null {
    return this.outages.lastClosed;
  }

  get refusedCertificate(): RefusedCertificate | null {
    return this.refused;
  }

  get lateReadingsDropped(): number {
    return this.gate.dropped.late;
  }

  onStatus(listener: (status: DriverStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onOutage(listener: (outage: OpcuaOutage) => void): () => void {
    this.outageListeners.add(listener);
    return () => this.outageListeners.delete(listener);
  }

  async start(onReadings: (readings: Reading[]) => void): Promise<void> {
    if (this.onReadings) throw new Error(`${this.name} ya está iniciado`);
    this.onReadings = onReadings;
    this.setStatus("connecting", null);
    this.logger?.info(
      { driver: this.name, security: this.security.label, auth: describeAuth(this.options.auth), tags: this.options.tags.length },
      "iniciando el driver OPC UA",
    );
    void this.connectClient();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.repairTimer) clearTimeout(this.repairTimer);
    this.watchdog.disarm();
    // Tear down first: an in-flight rebuild then fails fast instead of running into its timeouts,
    // and it checks `stopped` after every step, so it cannot install anything afterwards.
    await this.teardown();
    await this.rebuilding?.catch(() => undefined);
    this.setStatus("stopped", null);
    this.onReadings = null;
    this.statusListeners.clear();
    this.outageListeners.clear();
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  private createClient(): OPCUAClient {
    // A new store per client: it re-reads trusted/ and rejected/, so a certificate an
    // administrator trusted meanwhile is honoured at the next attempt without a restart.
    const certificateManager = openCertificateManager(this.pkiDir, { trustOnFirstUse: this.options.trustOnFirstUse });
    this.certificateManager = certificateManager;
    const client = OPCUAClient.create({
      applicationName: "AforoCollector",
      endpointMustExist: false,
      securityMode: this.security.securityMode,
      securityPolicy: this.security.securityPolicy,
      clientCertificateManager: certificateManager,
      connectionStrategy: { initialDelay: INITIAL_BACKOFF_MS, maxDelay: this.maxBackoffMs, maxRetry: -1 },
      requestedSessionTimeout: this.options.sessionTimeoutMs ?? 60_000,
      keepSessionAlive: true,
    });
    client.on("backoff", (retry: number, delayMs: number) => {
      if (client !== this.client) return;
      this.markDisconnected(
        `servidor OPC UA inalcanzable: ${this.options.endpointUrl} (intento ${retry + 1}; nuevo intento en ${(delayMs / 1000).toFixed(1)} s)`,
      );
    });
    client.on("connection_lost", () => {
      if (client !== this.client) return;
      this.markDisconnected("conexión perdida con el servidor OPC UA");
    });
    client.on("reconnection_attempt_has_failed", (error: Error) => {
      if (client !== this.client || this.currentStatus.state !== "disconnected") return;
      this.updateDisconnectedDetail(`reconexión fallida: ${describeOpcuaError(error).message}`);
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
      // None: retries forever with backoff. Secure modes: the server certificate is fetched and
      // checked first, and that step fails at once when the server is down (node-opcua #1357), so
      // the retry below covers it.
      await client.connect(this.options.endpointUrl);
    } catch (error) {
      if (this.stopped || client !== this.client) return;
      const failure = describeOpcuaError(error);
      this.logger?.warn({ driver: this.name, err: error, kind: failure.kind }, "no se pudo conectar al servidor OPC UA");
      this.failureStreak += 1;
      this.failuresOnClient = HARD_RESET_AFTER_FAILURES; // start over with a new client (and store)
      this.scheduleRetry("conexión fallida", this.failureDetail(failure));
      return;
    }
    if (this.stopped || client !== this.client) return;
    this.requestRebuild("conexión inicial", true);
  }

  private failureDetail(failure: OpcuaFailure): string {
    if (failure.kind === "certificate-untrusted" || failure.kind === "certificate-invalid") {
      const refused = this.certificateManager?.lastRefused ?? null;
      this.refused = refused;
      if (refused) {
        return `${failure.message} (huella SHA-1 ${refused.thumbprint}, ${refused.subject}; ${refused.status}); el certificado quedó en ${this.pkiDir}/rejected`;
      }
    }
    return failure.message;
  }

  /** Replaces the whole client (used when rebuilding on the existing one keeps failing). */
  private async recycleClient(): Promise<void> {
    if (this.recycling || this.stopped) return;
    this.recycling = true;
    try {
      this.logger?.info({ driver: this.name }, "reiniciando el cliente OPC UA");
      await this.rebuilding?.catch(() => undefined);
      await this.teardown();
      if (this.stopped) return;
      this.failuresOnClient = 0;
    } finally {
      this.recycling = false;
    }
    await this.connectClient();
  }

  private async teardown(): Promise<void> {
    this.generation += 1;
    this.watchdog.disarm();
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
    this.watchdog.disarm();
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
        const session = await this.withTimeout(client.createSession(userIdentity(this.options.auth)), this.requestTimeoutMs, "createSession");
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
          requestedLifetimeCount: this.lifetimeCount,
          requestedMaxKeepAliveCount: this.maxKeepAliveCount,
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

      const specs: MonitoredSpec[] = [];
      const unresolved: string[] = [];
      for (const tag of this.options.tags) {
        const nodeId = resolveNodeId(tag.nodeId, namespaceArray);
        if (!nodeId) {
          unresolved.push(tag.tag);
          continue;
        }
        specs.push({
          tag: tag.tag,
          nodeId,
          samplingIntervalMs: tag.samplingIntervalMs ?? this.samplingIntervalMs,
          queueSize: tag.queueSize ?? this.queueSize,
          deadband: tag.deadband,
        });
      }
      const problems: string[] = [];
      if (unresolved.length > 0) {
        this.logger?.error({ driver: this.name, tags: unresolved }, "espacio de nombres OPC UA desconocido en el servidor");
        problems.push(...unresolved.map((tag) => `${tag} (espacio de nombres desconocido)`));
        this.emitMarkers(unresolved);
      }
      for (const group of groupMonitoredItems(specs)) {
        const first = group[0];
        if (!first) continue;
        const parameters: MonitoringParametersOptions = {
          samplingInterval: first.samplingIntervalMs,
          queueSize: first.queueSize,
          discardOldest: true,
          filter: dataChangeFilter(first.deadband),
        };
        // The server answers with each item's value current at creation, after this request.
        const requestedAtMs = this.now().getTime();
        const monitored = await this.withTimeout(
          subscription.monitorItems(
            group.map((item) => ({ nodeId: item.nodeId, attributeId: AttributeIds.Value })),
            parameters,
            TimestampsToReturn.Both,
          ),
          this.requestTimeoutMs,
          "monitorItems",
        );
        if (this.stopped || generation !== this.generation) return;
        this.attachGroupListeners(monitored, group, generation, requestedAtMs);
        problems.push(...this.rejectedItems(monitored, group));
      }

      const closed = this.outages.end(this.now());
      this.lateDropsReported = 0;
      this.failureStreak = 0;
      this.failuresOnClient = 0;
      this.refused = null;
      if (this.repairTimer) clearTimeout(this.repairTimer);
      this.repairTimer = null;
      this.watchdog.arm(this.options.watchdogMs ?? watchdogTimeoutMs(subscription.publishingInterval, subscription.maxKeepAliveCount));
      const details: string[] = [];
      if (closed) {
        details.push(
          `enlace restablecido; interrupción del ${closed.start.toISOString()} al ${closed.end?.toISOString()} (${Math.round((closed.durationMs ?? 0) / 1000)} s): ${closed.reason}`,
        );
      }
      if (problems.length > 0) details.push(`${problems.length} etiqueta(s) sin monitorear: ${problems.slice(0, 5).join(", ")}${problems.length > 5 ? ", …" : ""}`);
      this.setStatus("connected", details.length > 0 ? details.join("; ") : null);
      if (closed) this.notifyOutage(closed);
      this.logger?.info(
        {
          driver: this.name,
          reason,
          security: this.security.label,
          tags: specs.length,
          groups: groupMonitoredItems(specs).length,
          revisedPublishingIntervalMs: subscription.publishingInterval,
          revisedMaxKeepAliveCount: subscription.maxKeepAliveCount,
          rebuildMs: Date.now() - startedMs,
          outageMs: closed?.durationMs ?? null,
          lateReadingsDropped: this.gate.dropped.late,
        },
        "suscripción OPC UA activa",
      );
    } catch (error) {
      if (this.stopped) return;
      const failure = describeOpcuaError(error);
      this.failureStreak += 1;
      this.failuresOnClient += 1;
      this.logger?.warn(
        { driver: this.name, reason, err: error, kind: failure.kind, failures: this.failureStreak },
        "no se pudo crear la sesión o la suscripción OPC UA",
      );
      this.scheduleRetry(reason, `no se pudo abrir la sesión o la suscripción: ${failure.message}`);
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

  /** Retries after a failure with exponential backoff (capped at maxBackoffMs); `detail` says why, for the status. */
  private scheduleRetry(reason: string, detail: string): void {
    if (this.stopped) return;
    const delayMs = Math.min(this.maxBackoffMs, INITIAL_BACKOFF_MS * 2 ** Math.min(Math.max(this.failureStreak - 1, 0), 10));
    this.markDisconnected(detail, { note: `intento ${this.failureStreak}; nuevo intento en ${(delayMs / 1000).toFixed(1)} s` });
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      if (!this.client || this.failuresOnClient >= HARD_RESET_AFTER_FAILURES) void this.recycleClient();
      else this.requestRebuild(`reintento tras: ${reason}`, true);
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
      if (!isCurrentAndUp()) return;
      this.markDisconnected("el servidor no respondió al keep-alive de la sesión");
      this.requestRebuild("fallo de keep-alive de la sesión", true);
    });
  }

  private attachSubscriptionListeners(subscription: ClientSubscription, generation: number): void {
    const isCurrent = (): boolean => generation === this.generation && !this.stopped;
    subscription.on("keepalive", () => {
      if (isCurrent()) this.watchdog.activity();
    });
    subscription.on("received_notifications", () => {
      if (isCurrent()) this.watchdog.activity();
    });
    subscription.on("terminated", () => {
      if (isCurrent()) this.requestRebuild("suscripción terminada", false);
    });
    // StatusChangeNotification (Part 4 §7.25.4), e.g. BadTimeout when the server let the
    // subscription expire.
    subscription.on("status_changed", (status: { name?: string }) => {
      if (!isCurrent()) return;
      this.logger?.warn({ driver: this.name, status: status?.name }, "cambio de estado de la suscripción OPC UA");
      this.markDisconnected(`el servidor cambió el estado de la suscripción (${status?.name ?? "desconocido"})`);
      this.requestRebuild("estado de la suscripción", false);
    });
    subscription.on("internal_error", (error: Error) => {
      if (!isCurrent()) return;
      this.logger?.warn({ driver: this.name, err: error }, "error interno de la suscripción OPC UA");
      this.requestRebuild("error de la suscripción", false);
    });
  }

  /**
   * `requestedAtMs`: when the group's CreateMonitoredItems was sent. The first notification of each
   * item is its initial value (Part 4 §5.12.1.2), known current at that time; the gate uses it to
   * re-state an unchanged value after an outage.
   */
  private attachGroupListeners(group: ClientMonitoredItemGroup, items: readonly MonitoredSpec[], generation: number, requestedAtMs: number): void {
    const notified = new Set<number>();
    group.on("changed", (_item: unknown, dataValue: DataValue, index: number) => {
      if (generation !== this.generation || this.stopped) return;
      const tag = items[index]?.tag;
      if (!tag) return;
      this.watchdog.activity();
      const initial = !notified.has(index);
      notified.add(index);
      const lateBefore = this.gate.dropped.late;
      const reading = dataValueToReading(tag, dataValue, this.gate.lastValueOf(tag), this.now());
      const admitted = this.gate.admit(reading, initial ? { initialAtMs: requestedAtMs } : {});
      if (admitted) this.deliver([admitted]);
      else if (this.gate.dropped.late > lateBefore) this.reportLateDrop(reading);
    });
  }

  /** A value dropped to keep its tag in time order: one warning per outage/reconnection, the rest at debug. */
  private reportLateDrop(reading: Reading): void {
    const fields = {
      driver: this.name,
      tag: reading.tag,
      time: reading.time.toISOString(),
      lastDelivered: this.gate.lastDeliveredOf(reading.tag)?.toISOString() ?? null,
      lateReadingsDropped: this.gate.dropped.late,
    };
    const message = "valor OPC UA descartado: llegó después de una lectura posterior de la misma etiqueta (orden temporal)";
    if (this.lateDropsReported === 0) this.logger?.warn(fields, message);
    else this.logger?.debug(fields, message);
    this.lateDropsReported += 1;
  }

  /** Items the server refused (unknown NodeId, filter not allowed…): logged, one BAD marker each. */
  private rejectedItems(group: ClientMonitoredItemGroup, items: readonly MonitoredSpec[]): string[] {
    const rejected: string[] = [];
    const tags: string[] = [];
    group.monitoredItems.forEach((item, index) => {
      const code = item.statusCode;
      const spec = items[index];
      if (spec && code && code.isNotGood()) {
        rejected.push(`${spec.tag} (${spec.nodeId}: ${code.name})`);
        tags.push(spec.tag);
      }
    });
    if (rejected.length > 0) {
      this.logger?.error({ driver: this.name, rejected }, "el servidor OPC UA rechazó elementos monitoreados");
      this.emitMarkers(tags);
    }
    return rejected;
  }

  private onSubscriptionSilent(sinceMs: number, silentForMs: number): void {
    if (this.stopped || this.currentStatus.state !== "connected" || this.rebuilding) return;
    this.logger?.warn({ driver: this.name, silentForMs }, "la suscripción OPC UA dejó de publicar");
    this.markDisconnected(`la suscripción dejó de publicar: sin datos ni keep-alive en ${(silentForMs / 1000).toFixed(1)} s`, {
      start: new Date(sinceMs),
    });
    this.requestRebuild("vigilancia: suscripción sin publicaciones", true);
  }

  // ── status, outages and readings ────────────────────────────────────────────────────────

  /**
   * Enters `disconnected`: once per outage, one BAD reading per tag and the outage's start
   * (A30-MS-15). The status that enters the state carries the bare reason (`since` is the start),
   * which is what a link monitor records in the bitácora; later calls during the same outage
   * refresh the detail with the retry schedule (`note`) and the start of the gap.
   */
  private markDisconnected(detail: string, options: { start?: Date; note?: string } = {}): void {
    if (this.stopped) return;
    this.watchdog.disarm();
    if (this.currentStatus.state === "disconnected") {
      this.updateDisconnectedDetail(detail, options.note);
      return;
    }
    const opened = this.outages.begin(detail, options.start ?? this.now());
    this.lateDropsReported = 0;
    this.setStatus("disconnected", detail);
    this.logger?.warn({ driver: this.name, detail }, "driver OPC UA desconectado");
    this.emitMarkers(this.options.tags.map((t) => t.tag));
    if (opened) this.notifyOutage(opened);
  }

  private updateDisconnectedDetail(detail: string, note?: string): void {
    if (this.currentStatus.state !== "disconnected") return;
    this.setStatus("disconnected", this.disconnectedDetail(detail, note));
  }

  /** "<why> (<retry>) — sin enlace desde <start>" */
  private disconnectedDetail(detail: string, note: string | undefined): string {
    const outage = this.outages.current;
    const withNote = note ? `${detail} (${note})` : detail;
    return outage ? `${withNote} — sin enlace desde ${outage.start.toISOString()}` : withNote;
  }

  private notifyOutage(outage: OpcuaOutage): void {
    for (const listener of this.outageListeners) {
      try {
        listener(outage);
      } catch (error) {
        this.logger?.error({ driver: this.name, err: error }, "un observador de interrupciones lanzó un error");
      }
    }
  }

  private emitMarkers(tags: readonly string[]): void {
    const nowMs = this.now().getTime();
    this.deliver(tags.map((tag) => this.gate.marker(tag, nowMs)));
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
    const since = this.currentStatus.state === state ? this.currentStatus.since : this.now();
    this.currentStatus = { state, since, detail };
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
