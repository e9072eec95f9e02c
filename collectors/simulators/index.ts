import type { Site } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { startOpcuaSiteServer, type OpcuaSiteServer, type OpcuaTag } from "./opcua-site-server";

export { startOpcuaSiteServer, siteOpcuaTags } from "./opcua-site-server";
export type { OpcuaSiteServer, OpcuaSiteServerOptions, OpcuaTag, SiteModelHandle } from "./opcua-site-server";
export { createSiteModel, stepSiteModel, siteModelReadings, withSensorFault } from "./site-model";
export type { SiteEvent, SiteModelState, SensorFault } from "./site-model";
export { createPrng } from "./prng";

export interface StartSiteSimulatorsOptions {
  site: Site;
  /** OPC UA port; 0 picks a free one. Default: `site.opcua.port`. */
  opcuaPort?: number;
  host?: string;
  speed?: number;
  seed?: number;
  pkiDir?: string;
  logger?: Logger;
}

export interface SiteSimulators {
  opcua: OpcuaSiteServer;
  /** What a collector needs to read the simulated site. */
  collectorTargets: Array<{ endpointUrl: string; tags: OpcuaTag[] }>;
  stop(): Promise<void>;
}

/**
 * Every simulator of a site (`aforo simulate --site demo`, `npm run demo`). For now the OPC UA
 * tank-gauge gateway; the Modbus flow computers and the Veeder-Root TLS console come in issue 3.
 */
export async function startSiteSimulators(options: StartSiteSimulatorsOptions): Promise<SiteSimulators> {
  const opcua = await startOpcuaSiteServer({
    site: options.site,
    port: options.opcuaPort ?? options.site.opcua.port,
    host: options.host,
    speed: options.speed,
    seed: options.seed,
    pkiDir: options.pkiDir,
    logger: options.logger?.child({ component: "simulator", protocol: "opcua" }),
  });
  return {
    opcua,
    collectorTargets: [{ endpointUrl: opcua.endpointUrl, tags: opcua.tags }],
    stop: () => opcua.stop(),
  };
}
