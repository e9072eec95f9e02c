import type { Database } from "../db/client";
import type { Logger } from "../server/platform/logger";
import type { Driver, DriverTag } from "./drivers/driver";
import { createOpcuaDriver, type OpcuaDriverOptions } from "./drivers/opcua/opcua-driver";
import { createMeasurementSink, type MeasurementSink, type MeasurementSinkOptions } from "./sink/measurement-sink";

/**
 * Composition root of one collector: an OPC UA driver feeding the measurement sink.
 * `aforo collect --config FILE` and the demo server call this; the collector config file
 * (collectors/config.ts, endpoints/tags/spool) and the Modbus / Veeder-Root drivers come in issue 3.
 */

export interface StartCollectorOptions {
  db: Pick<Database, "query" | "transaction">;
  tags: readonly DriverTag[];
  endpointUrl: string;
  logger: Logger;
  driver?: Partial<Omit<OpcuaDriverOptions, "endpointUrl" | "tags" | "logger">>;
  sink?: Omit<MeasurementSinkOptions, "logger">;
}

export interface RunningCollector {
  driver: Driver;
  sink: MeasurementSink;
  /** Stops the driver, then writes what is still queued. */
  stop(): Promise<void>;
}

export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector> {
  const logger = options.logger.child({ component: "collector", endpointUrl: options.endpointUrl });
  const sink = createMeasurementSink(options.db, { ...options.sink, logger });
  const driver = createOpcuaDriver({
    ...options.driver,
    endpointUrl: options.endpointUrl,
    tags: options.tags,
    logger,
  });
  driver.onStatus((status) => logger.info({ state: status.state, detail: status.detail }, "estado del driver"));
  await driver.start((readings) => sink.push(readings));
  let stopping: Promise<void> | null = null;
  return {
    driver,
    sink,
    stop() {
      stopping ??= (async () => {
        await driver.stop();
        await sink.close();
      })();
      return stopping;
    },
  };
}
