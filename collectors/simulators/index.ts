import path from "node:path";
import type { Site } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import type { CollectorFile } from "../config";
import { parseCollectorFile } from "../config";
import { startModbusSiteServer, demoModbusCollectorConfig, type ModbusSiteServer } from "./modbus-site-server";
import { startOpcuaSiteServer, siteOpcuaTags, type OpcuaSiteServer } from "./opcua-site-server";
import { startVeederRootConsole, demoVeederRootCollectorConfig, type VeederRootConsole } from "./veeder-root-console";

export { startOpcuaSiteServer, siteOpcuaTags } from "./opcua-site-server";
export type { OpcuaSiteServer, OpcuaSiteServerOptions, OpcuaTag, SiteModelHandle } from "./opcua-site-server";
export { createSiteModel, stepSiteModel, siteModelReadings, withSensorFault } from "./site-model";
export type { SiteEvent, SiteModelState, SensorFault } from "./site-model";
export { createPrng } from "./prng";

/** Default ports of the demo simulators (AFORO_SIM_*_PORT override them; 0 = any free port). */
export const DEMO_PORTS = { opcua: 4840, modbus: 5020, tls: 10001 } as const;

export interface StartSiteSimulatorsOptions {
  site: Site;
  /** OPC UA port; 0 picks a free one. Default: `site.opcua.port`. */
  opcuaPort?: number;
  modbusPort?: number;
  tlsPort?: number;
  host?: string;
  speed?: number;
  seed?: number;
  pkiDir?: string;
  logger?: Logger;
}

export interface SiteSimulators {
  opcua: OpcuaSiteServer;
  modbus: ModbusSiteServer;
  veederRoot: VeederRootConsole;
  /** What a collector needs to read the simulated site (legacy single-link form). */
  collectorTargets: Array<{ endpointUrl: string; tags: ReturnType<typeof siteOpcuaTags> }>;
  stop(): Promise<void>;
}

/**
 * Every simulator of a site on ONE physical model (`aforo simulate --site demo`, `npm run demo`):
 * the OPC UA server (tank gauges and densitometers), a Modbus TCP server (dispenser totalizers,
 * duct flow computers) and a Veeder-Root TLS console (the service station's tank gauge).
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
  const started: { stop(): Promise<void> }[] = [opcua];
  try {
    const modbus = await startModbusSiteServer({
      site: options.site,
      port: options.modbusPort ?? DEMO_PORTS.modbus,
      host: options.host,
      model: opcua.model,
      logger: options.logger?.child({ component: "simulator", protocol: "modbus" }),
    });
    started.push(modbus);
    const hasServiceStation = options.site.installations.some((i) => i.type === "service_station");
    const veederRoot = hasServiceStation
      ? await startVeederRootConsole({
          site: options.site,
          port: options.tlsPort ?? DEMO_PORTS.tls,
          host: options.host,
          model: opcua.model,
          logger: options.logger?.child({ component: "simulator", protocol: "veeder-root" }),
        })
      : null;
    if (veederRoot) started.push(veederRoot);
    return {
      opcua,
      modbus,
      veederRoot: veederRoot as VeederRootConsole,
      collectorTargets: [{ endpointUrl: opcua.endpointUrl, tags: opcua.tags }],
      async stop() {
        for (const s of [...started].reverse()) await s.stop();
      },
    };
  } catch (error) {
    for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The collector file the demo runs against its simulators: the service station's tanks through
 * the Veeder-Root console (level, temperature, water, the console's own volumes) with density from
 * the OPC UA densitometers; the terminal's tanks through OPC UA (SignAndEncrypt); dispensers and
 * duct meters through Modbus TCP. No tag has two sources.
 */
export function demoCollectorFile(site: Site, simulators: SiteSimulators, dataDir: string): CollectorFile {
  const tlsConfig = demoVeederRootCollectorConfig(site, simulators.veederRoot.port);
  const tlsPrefixes = new Set(tlsConfig.tanks.map((t) => t.tagPrefix));
  const opcuaTags = siteOpcuaTags(site).filter((t) => {
    const prefix = t.tag.slice(0, t.tag.lastIndexOf("/"));
    return !tlsPrefixes.has(prefix) || t.tag.endsWith("/density_kg_m3");
  });
  const station = site.installations.find((i) => i.type === "service_station") ?? site.installations[0]!;
  const terminal = site.installations.find((i) => i.type === "storage_terminal") ?? site.installations[0]!;
  return parseCollectorFile(
    {
      collectorKey: "DEMO",
      links: [
        {
          kind: "opcua",
          installationKey: terminal.key,
          component: `CANAL:OPCUA-${terminal.key}`,
          endpointUrl: simulators.opcua.endpointUrl,
          securityMode: "SignAndEncrypt",
          securityPolicy: "Basic256Sha256",
          pkiDir: path.join(dataDir, "opcua-pki", "collector"),
          tags: opcuaTags.map((t) => ({ tag: t.tag, nodeId: t.nodeId })),
        },
        { installationKey: station.key, component: `CANAL:TLS-${station.key}`, ...tlsConfig },
        { installationKey: station.key, component: `CANAL:MODBUS-${station.key}`, ...demoModbusCollectorConfig(site, simulators.modbus.port) },
      ],
      pipeline: { enabled: true, auditIntervalMs: 60_000 },
    },
    { dataDir },
  );
}
