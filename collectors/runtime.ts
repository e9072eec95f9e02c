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
import { createTankPipeline, type TankPipeline } from "./pipeline/tank-pipeline";
import { openMeasurementSink, type MeasurementSink } from "./sink/measurement-sink";
import { createLinkRecorder, type LinkRecorder } from "./status/link-recorder";

/**
 * Composition root of one collector process (design.md §1: drivers → measurement pipeline →
 * spool → sink). Every link's status changes become bitácora entries and alarms (A30-MS-15);
 * every reading — measured or derived — goes through the durable spool, so nothing accepted is
 * lost when the database or the network is down (A30-MS-16).
 */
export interface CollectorRuntime {
  readonly collectorKey: string;
  readonly drivers: ReadonlyArray<{ link: CollectorLink; driver: Driver }>;
  readonly sink: MeasurementSink;
  readonly pipeline: TankPipeline | null;
  stop(): Promise<void>;
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
  /** Deliveries reported by tank-gauge consoles (A30-REC-01; issue #4 turns them into receptions). */
  onDelivery?: (delivery: AtgDelivery, link: CollectorLink) => void;
  now?: () => Date;
  /** Period of the collector → database link check. Default 1 s. */
  networkWatchMs?: number;
  /** Forwarder retry backoff cap (tests shorten it). */
  maxRetryDelayMs?: number;
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

  let pipeline: TankPipeline | null = null;
  if (file.pipeline.enabled) {
    try {
      const configs = await loadTankMeasurementConfigs(db);
      pipeline = createTankPipeline({ db, configs, logger: log.child({ component: "pipeline" }), auditIntervalMs: file.pipeline.auditIntervalMs });
    } catch (error) {
      log.error({ error: (error as Error).message }, "no se pudo cargar la configuración de tanques: los volúmenes a condiciones de referencia no se calcularán hasta reiniciar");
    }
  }

  // A full spool refuses readings (counted in sink.stats().refused; the spool's own events say
  // "spool casi lleno"/"spool lleno"): log the first refusal of a run, not every reading.
  let refusing = false;
  const onReadings = (readings: Reading[]): void => {
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
        onDelivery: (delivery) => options.onDelivery?.(delivery, link),
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

  for (const { driver } of drivers) await driver.start(onReadings);
  log.info({ links: file.links.map((l) => `${l.kind}:${l.component}`), pipeline: pipeline !== null }, "colector iniciado");

  let stopping: Promise<void> | null = null;
  return {
    collectorKey: file.collectorKey,
    drivers,
    sink,
    get pipeline() {
      return pipeline;
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(networkWatch);
        await Promise.allSettled(drivers.map(({ driver }) => driver.stop()));
        await pipeline?.close();
        await sink.close();
        await Promise.allSettled(recorders.map((r) => r.drain(5000)));
      })();
      return stopping;
    },
  };
}
