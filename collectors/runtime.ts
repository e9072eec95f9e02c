import path from "node:path";
import type { Database } from "../db/client";
import { loadTankMeasurementConfigs } from "../db/repositories/tank-readings";
import type { Reading } from "../server/contracts/measurement";
import type { Logger } from "../server/platform/logger";
import { recordBatchAnomaly } from "../server/services/communication/record-batch-anomaly";
import type { CollectorFile, CollectorLink } from "./config";
import type { Driver } from "./drivers/driver";
import { createModbusDriver } from "./drivers/modbus/index";
import { createOpcuaDriver, opcuaDriverOptionsFromConfig } from "./drivers/opcua/index";
import { createVeederRootDriver, type AtgDelivery } from "./drivers/veeder-root/index";
import { openTankAuditJournal } from "./pipeline/audit-journal";
import { createTankPipeline, type TankPipeline } from "./pipeline/tank-pipeline";
import { openMeasurementSink, type MeasurementSink } from "./sink/measurement-sink";
import { registerCollectorLinks, type RegistrationResult } from "./registry";
import { loadKnownDeliveryKeys } from "./known-deliveries";
import { createDeviceStatusRecorder, type DeviceStatusRecorder } from "./status/device-status-recorder";
import { createLinkRecorder, type LinkRecorder } from "./status/link-recorder";
import { PendingAgeTracker, spoolDepthReport, writeSpoolDepth, type SpoolDepthReport } from "./status/spool-depth";

/**
 * Composition root of one collector process (design.md §1: drivers → measurement pipeline →
 * spool → sink). Every link's status changes become bitácora entries and alarms (A30-MS-15);
 * every reading — measured or derived — goes through the durable spool, so nothing accepted is
 * lost when the database or the network is down (A30-MS-16).
 */
export interface CollectorRuntime {
  readonly collectorKey: string;
  readonly file: CollectorFile;
  readonly drivers: ReadonlyArray<{ link: CollectorLink; driver: Driver }>;
  readonly sink: MeasurementSink;
  readonly pipeline: TankPipeline | null;
  /** Resolves once the links and tags are registered in `collectors`/`tags` (retried while the database does not answer). */
  readonly registered: Promise<RegistrationResult>;
  /** Status points (UPS, emergency stop, device calibration) → bitácora + alarms (A30-ALM-01 types 1/8/11, A30-ALM-05). */
  readonly deviceStatus: DeviceStatusRecorder;
  /**
   * Writes the spool depth now to `component_status` row `RED:<collectorKey>`, `detail.spool`
   * (A30-DIAG-01 "buffer depth"; also done every `spoolReportMs`). Null without a durable spool.
   */
  reportSpoolDepth(): Promise<SpoolDepthReport | null>;
  stop(): Promise<void>;
}

/**
 * A delivery (tanker discharge) measured by a tank-gauge console, as the runtime hands it to
 * `onDelivery` — everything the reception record needs (A30-REC-01, A30-MS-18):
 *
 *   installationKey, tankKey   the tank (`tagPrefix` = `<installationKey>/<tankKey>`)
 *   key                        `<tankNumber>@<YYMMDDHHmm of start>`: idempotency key of the report
 *   startTime, endTime         start and end of the delivery (console clock, converted with its zone)
 *   startVolumeL, endVolumeL   gross volume at the tank temperature, litres
 *   startTcVolumeL, endTcVolumeL   net volume, temperature-compensated by the console, litres
 *   startTemperatureC, endTemperatureC, startHeightMm, endHeightMm, startWaterMm, endWaterMm
 *   productCode, tankNumber    as the console reports them
 *   raw                        the delivery's characters exactly as received (stamps, hex floats)
 *   source                     the tertiary element: `{ kind: "veeder-root-tls", driver, host, port }`
 *   collectorKey, component    the collector process and the link (CANAL:…) that read it
 *   units                      the console's configured units ("metric" here means litres/mm/°C)
 */
export interface CollectorDelivery extends AtgDelivery {
  installationKey: string;
  tankKey: string;
  collectorKey: string;
  component: string;
}

/** Pure: the driver's delivery plus the identity the record needs. */
export function toCollectorDelivery(delivery: AtgDelivery, link: CollectorLink, collectorKey: string): CollectorDelivery {
  const slash = delivery.tagPrefix.indexOf("/");
  const installationKey = slash < 0 ? link.installationKey : delivery.tagPrefix.slice(0, slash);
  const tankKey = slash < 0 ? delivery.tagPrefix : delivery.tagPrefix.slice(slash + 1);
  return { ...delivery, installationKey, tankKey, collectorKey, component: link.component };
}

export interface StartCollectorRuntimeOptions {
  db: Database;
  /** PostgreSQL URL: the forwarder then loads with COPY on its own connection. */
  databaseUrl?: string;
  file: CollectorFile;
  /** Spool (`<dataDir>/spool/<collectorKey>`) and OPC UA PKI live here. */
  dataDir: string;
  logger: Logger;
  /** Demo simulators only: trust an OPC UA server certificate the first time it is seen. */
  trustOnFirstUse?: boolean;
  /**
   * Deliveries reported by tank-gauge consoles (Veeder-Root i202, A30-REC-01): one call per
   * delivery the first time it is seen (the driver remembers `key` across polls and restarts).
   * See `CollectorDelivery` for the fields; the server turns it into a reception record
   * (server/services/operations, `atgReportFromCollector`). Must not throw.
   */
  onDelivery?: (delivery: CollectorDelivery, link: CollectorLink) => void;
  now?: () => Date;
  /** Period of the collector → database link check. Default 1 s. */
  networkWatchMs?: number;
  /** Forwarder retry backoff cap (tests shorten it). */
  maxRetryDelayMs?: number;
  /** Retry period of the tank configuration when the database does not answer at start-up. Default 5 s. */
  pipelineRetryMs?: number;
  /** Period of the spool-depth report to `component_status` (A30-DIAG-01). Default 10 s. */
  spoolReportMs?: number;
  /** Wait for the stored delivery keys (Veeder-Root links) at start-up. Default 5 s; then the driver starts without them. */
  knownDeliveriesTimeoutMs?: number;
}

export async function startCollectorRuntime(options: StartCollectorRuntimeOptions): Promise<CollectorRuntime> {
  const { db, file, logger } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ collectorKey: file.collectorKey });
  const installationOf = file.links[0]?.installationKey ?? null;
  const recordAnomaly = (kind: "replay" | "checksum-mismatch", sequence: number, detail: Record<string, unknown>): void => {
    recordBatchAnomaly(db, { kind, collectorKey: file.collectorKey, sequence, installationKey: installationOf, detail }, now()).catch((error: unknown) =>
      log.error({ error: (error as Error).message, sequence, kind }, "no se pudo registrar la anomalía del lote"),
    );
  };

  // Opened before the drivers start: a spool locked by another process or unreadable stops the
  // start-up with its reason instead of running a collector that cannot keep what it reads.
  const sink = await openMeasurementSink(db, {
    spoolDir: path.join(options.dataDir, "spool", file.collectorKey),
    collectorKey: file.collectorKey,
    databaseUrl: options.databaseUrl,
    logger: log,
    maxRetryDelayMs: options.maxRetryDelayMs,
    onReplay: (batch) => recordAnomaly("replay", Number(batch.sequence), { ...batch }),
    onChecksumMismatch: (batch) => recordAnomaly("checksum-mismatch", Number(batch.sequence), { ...batch }),
    spool: {
      ...file.spool,
      onEvent: (event) => {
        if (event.type === "high-water" || event.type === "full" || event.type === "write-error" || event.type === "corrupt") log.error({ event }, "estado del spool");
        else log.info({ event }, "estado del spool");
      },
    },
  });

  // The tank pipeline needs the tank configuration (strapping tables…) from the database. If the
  // database does not answer at start-up (e.g. restarted during an outage) the collector still
  // starts — readings go to the spool — and the configuration is retried every
  // `pipelineRetryMs`; the audit journal is opened first so a previous run's rows are kept.
  let pipeline: TankPipeline | null = null;
  let pipelineRetry: NodeJS.Timeout | null = null;
  let stopped = false;
  const journal = file.pipeline.enabled
    ? await openTankAuditJournal({ dir: path.join(options.dataDir, "audit-journal", file.collectorKey), db, logger: log })
    : null;
  const loadPipeline = async (attempt: number): Promise<void> => {
    try {
      const configs = await loadTankMeasurementConfigs(db);
      if (stopped) return;
      // The audit rows (tank_readings) wait on disk, like the readings, while the database is
      // down (A30-MS-16); rows left by a previous run go out first.
      pipeline = createTankPipeline({ db, configs, logger: log.child({ component: "pipeline" }), auditIntervalMs: file.pipeline.auditIntervalMs, journal: journal! });
      if (attempt > 1) log.info({ attempt }, "configuración de tanques cargada: se calculan los volúmenes a condiciones de referencia");
    } catch (error) {
      if (stopped) return;
      if (attempt === 1) log.error({ error: (error as Error).message }, "no se pudo cargar la configuración de tanques: los volúmenes a condiciones de referencia no se calculan hasta que la base de datos responda; se reintenta");
      pipelineRetry = setTimeout(() => void loadPipeline(attempt + 1), options.pipelineRetryMs ?? 5000);
      pipelineRetry.unref();
    }
  };
  if (journal) await loadPipeline(1);

  // A30-MS-13: which link owns which tag, known to the server (retried like the tank configuration).
  let registrationRetry: NodeJS.Timeout | null = null;
  const registered = new Promise<RegistrationResult>((resolve) => {
    const attempt = (n: number): void => {
      registerCollectorLinks(db, file, log).then(
        (result) => {
          log.info({ links: result.links }, "enlaces y etiquetas del colector registrados");
          resolve(result);
        },
        (error: unknown) => {
          if (stopped) return;
          if (n === 1) log.error({ error: (error as Error).message }, "no se pudieron registrar los enlaces y etiquetas del colector; se reintenta");
          registrationRetry = setTimeout(() => attempt(n + 1), options.pipelineRetryMs ?? 5000);
          registrationRetry.unref();
        },
      );
    };
    attempt(1);
  });

  // A full spool refuses readings (counted in sink.stats().refused; the spool's own events say
  // "spool casi lleno"/"spool lleno"): log the first refusal of a run, not every reading.
  let refusing = false;
  // Status points (they are stored like any reading, and their transitions become alarms).
  const deviceStatus = createDeviceStatusRecorder({ db, logger: log, now });
  const onReadings = (readings: Reading[]): void => {
    deviceStatus.onReadings(readings);
    const derived = pipeline ? pipeline.process(readings) : [];
    sink.push(derived.length > 0 ? [...readings, ...derived] : readings).then(
      () => {
        if (refusing) log.info("el spool vuelve a aceptar lecturas");
        refusing = false;
      },
      (error: unknown) => {
        if (!refusing) log.error({ error: (error as Error).message }, "el spool rechaza lecturas");
        refusing = true;
      },
    );
  };

  const recorders: LinkRecorder[] = [];
  const recorder = (component: string, installationKey: string, label: string, alarmType: 5 | 7 = 5): LinkRecorder => {
    const created = createLinkRecorder({ db, link: { component, installationKey, alarmType, label }, logger: log, now });
    recorders.push(created);
    return created;
  };

  const knownDeliveryKeys = async (tagPrefixes: string[]): Promise<string[]> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const keys = await Promise.race([
        loadKnownDeliveryKeys(db, tagPrefixes),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("la base de datos no respondió a tiempo")), options.knownDeliveriesTimeoutMs ?? 5000);
        }),
      ]);
      log.info({ count: keys.length }, "entregas de la consola ya registradas: no se anuncian de nuevo");
      return keys;
    } catch (error) {
      log.warn({ error: (error as Error).message }, "no se pudieron leer las entregas ya registradas: la consola puede anunciarlas de nuevo (se guardan una sola vez)");
      return [];
    } finally {
      clearTimeout(timer);
    }
  };

  const drivers: { link: CollectorLink; driver: Driver }[] = [];
  for (const link of file.links) {
    let driver: Driver;
    if (link.kind === "opcua") {
      driver = createOpcuaDriver(opcuaDriverOptionsFromConfig(link.config, { name: link.component, logger: log, trustOnFirstUse: options.trustOnFirstUse }));
      const linkRecorder = recorder(link.component, link.installationKey, "enlace OPC UA");
      driver.onStatus((status) => linkRecorder.onStatus(status));
    } else if (link.kind === "veeder-root") {
      driver = createVeederRootDriver({
        config: link.config,
        logger: log,
        // Reports already stored are not announced again after a restart (no duplicate alarm).
        knownDeliveryKeys: await knownDeliveryKeys(link.config.tanks.map((tank) => tank.tagPrefix)),
        onDelivery: (delivery) => {
          try {
            options.onDelivery?.(toCollectorDelivery(delivery, link, file.collectorKey), link);
          } catch (error) {
            log.error({ error: (error as Error).message, delivery: delivery.key }, "el receptor de entregas de la consola falló");
          }
        },
      });
      const linkRecorder = recorder(link.component, link.installationKey, "consola de telemedición");
      driver.onStatus((status) => linkRecorder.onStatus(status));
    } else {
      const modbus = createModbusDriver({ config: link.config, name: link.component, logger: log });
      // One record per device (A30-MS-19): a device key `<installation>/<component>` names it.
      const byDevice = new Map<string, LinkRecorder>();
      modbus.onDeviceStatus((status) => {
        let deviceRecorder = byDevice.get(status.key);
        if (!deviceRecorder) {
          const [installationKey, component] = status.key.includes("/") ? status.key.split("/", 2) : [link.installationKey, status.key];
          deviceRecorder = recorder(component!, installationKey!, "sistema de medición");
          byDevice.set(status.key, deviceRecorder);
        }
        deviceRecorder.onStatus({ state: status.state, since: status.since, detail: status.detail });
      });
      driver = modbus;
    }
    drivers.push({ link, driver });
  }
  // The collector → database link (A30-ALM-01 type 7 "Falla en la red de comunicación", component
  // RED:<collector>): failed forwarder attempts with no batch stored mean the database is out of
  // reach; the first stored batch afterwards means it is back. The entries are written (with the
  // real outage times) once the database answers again; meanwhile the spool keeps every reading.
  const networkRecorder = recorder(`RED:${file.collectorKey}`, installationOf ?? file.links[0]!.installationKey, "enlace colector-base de datos", 7);
  let previous = sink.stats();
  const networkWatch = setInterval(() => {
    const current = sink.stats();
    if (current.failedAttempts > previous.failedAttempts && current.batches === previous.batches) {
      networkRecorder.onStatus({ state: "disconnected", since: now(), detail: current.lastError ?? "la base de datos no responde" });
    } else if (current.batches > previous.batches) {
      networkRecorder.onStatus({ state: "connected", since: now(), detail: null });
    }
    previous = current;
  }, options.networkWatchMs ?? 1000);
  networkWatch.unref();

  // A30-DIAG-01 "buffer depth": what the spool holds that the database has not confirmed, and how
  // old the oldest of it is, where the server's diagnostics read it (component_status RED:<key>).
  const pendingAge = new PendingAgeTracker();
  const reportSpoolDepth = async (): Promise<SpoolDepthReport | null> => {
    const stats = sink.stats();
    if (!stats.spool) return null;
    const at = now();
    const report = spoolDepthReport(stats, pendingAge.sample(stats.spool.lastSequence, stats.spool.committedSequence, at), at);
    if (report) await writeSpoolDepth(db, file.collectorKey, installationOf, report);
    return report;
  };
  let spoolReportFailing = false;
  const spoolReport = setInterval(() => {
    reportSpoolDepth().then(
      () => {
        spoolReportFailing = false;
      },
      (error: unknown) => {
        // Expected while the database is out of reach: the depth is reported again once it answers.
        if (!spoolReportFailing) log.warn({ error: (error as Error).message }, "no se pudo informar la profundidad del spool");
        spoolReportFailing = true;
      },
    );
  }, options.spoolReportMs ?? 10_000);
  spoolReport.unref();

  for (const { driver } of drivers) await driver.start(onReadings);
  log.info({ links: file.links.map((l) => `${l.kind}:${l.component}`), pipeline: pipeline !== null }, "colector iniciado");

  let stopping: Promise<void> | null = null;
  return {
    collectorKey: file.collectorKey,
    file,
    drivers,
    sink,
    registered,
    deviceStatus,
    reportSpoolDepth,
    get pipeline() {
      return pipeline;
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(networkWatch);
        clearInterval(spoolReport);
        if (pipelineRetry) clearTimeout(pipelineRetry);
        if (registrationRetry) clearTimeout(registrationRetry);
        await Promise.allSettled(drivers.map(({ driver }) => driver.stop()));
        if (pipeline) await pipeline.close();
        else await journal?.close();
        await sink.close();
        await Promise.allSettled([...recorders.map((r) => r.drain(5000)), deviceStatus.drain(5000)]);
      })();
      return stopping;
    },
  };
}
