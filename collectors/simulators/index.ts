import path from "node:path";
import type { Site } from "../../server/contracts/site";
import type { SiteModelState } from "./site-model";
import type { Logger } from "../../server/platform/logger";
import type { CollectorFile } from "../config";
import { parseCollectorFile } from "../config";
import { startModbusSiteServer, demoModbusCollectorConfig, type ModbusSiteServer } from "./modbus-site-server";
export { defaultMeterTotals } from "./modbus-site-server";
import { startOpcuaSiteServer, siteOpcuaStatusTags, siteOpcuaTags, type OpcuaSiteServer } from "./opcua-site-server";
import { startVeederRootConsole, demoVeederRootCollectorConfig, type VeederRootConsole } from "./veeder-root-console";

export { startOpcuaSiteServer, siteOpcuaTags, siteOpcuaStatusTags } from "./opcua-site-server";
export type { OpcuaSiteServer, OpcuaSiteServerOptions, OpcuaTag, SiteModelHandle } from "./opcua-site-server";
export {
  createSiteModel,
  stepSiteModel,
  siteModelReadings,
  withSensorFault,
  withPowerFailure,
  withUpsOnBattery,
  withEmergencyStop,
  withCalibrationExpired,
  withLeak,
  isCalibrationValid,
  skipSiteModelTime,
} from "./site-model";
export type { SiteEvent, SiteModelState, SensorFault, SiteConditions, OperationEndReason } from "./site-model";
export { siteStatusPoints, statusPointValue, UCC_ELEMENT_KEY, UCC_VARIABLES, CALIBRATION_VALID_VARIABLE } from "./status-points";
export type { StatusPoint, StatusSource, UccVariable } from "./status-points";
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
  /** Continue from this model state (the demo history's end) instead of a fresh plant; pass its rng state as `seed`. */
  initialState?: SiteModelState;
  /** Meter totalizers to start from (the demo history's end), by `<installationKey>/<elementKey>`. */
  initialMeterTotals?: ReadonlyMap<string, { grossL: number; netMl: number }>;
  /**
   * Wall clock of the plant model (epoch ms), default Date.now: the model's time — and so every
   * OPC UA source timestamp — follows it (tests pin it to date transitions exactly).
   */
  now?: () => number;
}

export interface PowerFailureOptions {
  /** How long the site stays without mains power once the simulators went dark. */
  downMs: number;
  /** How long the UPS shows "on battery" before the field devices go dark. Default 3 s: longer than the demo collector's 1 s OPC UA publishing interval, so the "on battery" signal is always collected (A30-ALM-01 type 8). */
  upsLeadMs?: number;
}

/**
 * "mains": normal; "on-battery": mains lost, the UPS reports it, the links still answer;
 * "down": every simulator dark; "restoring": mains back, the links reopening.
 */
export type SitePowerState = "mains" | "on-battery" | "down" | "restoring";

export interface SiteSimulators {
  opcua: OpcuaSiteServer;
  modbus: ModbusSiteServer;
  veederRoot: VeederRootConsole;
  /** What a collector needs to read the simulated site (legacy single-link form). */
  collectorTargets: Array<{ endpointUrl: string; tags: ReturnType<typeof siteOpcuaTags> }>;
  readonly powerState: SitePowerState;
  /**
   * Mains power failure of the whole site (A30-ALM-01 type 8, A30-ALM-05), in order:
   *  1. mains lost: the UPS point (`<installationKey>/UCC/ups_on_battery`, OPC UA and Modbus) goes
   *     true and the plant's pumps stop (operations in progress end, reason "power-failure");
   *  2. `upsLeadMs` later every simulator goes dark: the OPC UA endpoint is closed, the Modbus TCP
   *     and TLS console ports are closed with their connections dropped, and the model stops
   *     stepping (the plant keeps its physical state: nothing moves while the pumps are off);
   *  3. `downMs` later power returns on its own: the model's clock jumps over the outage without
   *     physics, the UPS point goes back to false, and the three listeners reopen on the same
   *     ports (OPC UA with the same certificate).
   * Resolves once everything listens again. One failure at a time.
   */
  powerFailure(options: PowerFailureOptions): Promise<void>;
  /** Emergency-stop input (A30-ALM-01 type 11, `<installationKey>/UCC/emergency_stop`): no sale, loading or receipt runs while active. */
  emergencyStop(active: boolean): void;
  /**
   * Marks a tank's calibration expired or valid again (A30-ALM-01 type 1, A30-MS-12): OPC UA
   * `<installationKey>/<tankKey>/calibration_valid` and the tank gauge's Modbus bit follow.
   * `tankKey` alone when it is unique on the site, or `<installationKey>/<tankKey>`.
   */
  setCalibrationExpired(tankKey: string, expired: boolean): void;
  /**
   * Fault `leak` (A30-INC-01): the tank (`tankKey` or `<installationKey>/<tankKey>`) loses
   * `litresPerHour` of product with no sale, loading or totalizer movement; 0 or null stops it.
   * The gauges (OPC UA, Veeder-Root) show the falling level; the dispensers do not.
   */
  setLeak(tankKey: string, litresPerHour: number | null): void;
  stop(): Promise<void>;
}

const DEFAULT_UPS_LEAD_MS = 3_000;

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
    initialState: options.initialState,
    statusPoints: true,
    now: options.now,
    logger: options.logger?.child({ component: "simulator", protocol: "opcua" }),
  });
  const started: { stop(): Promise<void> }[] = [opcua];
  try {
    const modbus = await startModbusSiteServer({
      site: options.site,
      port: options.modbusPort ?? DEMO_PORTS.modbus,
      host: options.host,
      model: opcua.model,
      initialTotals: options.initialMeterTotals,
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
    const model = opcua.model;
    const logger = options.logger?.child({ component: "simulator" });
    let powerState: SitePowerState = "mains";
    let outage: Promise<void> | null = null;
    let stopping = false;
    let wakeOutage: (() => void) | null = null;
    /** Waits `ms`, or less when the simulators are being stopped. */
    const pause = (ms: number): Promise<void> =>
      new Promise<void>((resolve) => {
        if (stopping) {
          resolve();
          return;
        }
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wakeOutage = null;
          resolve();
        }
        wakeOutage = done;
      });
    const runOutage = async (downMs: number, upsLeadMs: number): Promise<void> => {
      // 1. Mains lost: the UPS takes the UCC and says so; the pumps stop at once.
      model.setPowerFailure(true);
      model.setUpsOnBattery(true);
      powerState = "on-battery";
      logger?.warn({ downMs, upsLeadMs }, "falla de energía simulada: UPS en batería");
      await pause(upsLeadMs);
      if (stopping) return;
      // 2. The field devices lose power: every link goes dark, the plant stands still.
      model.suspend();
      powerState = "down";
      await Promise.all([opcua.stopEndpoint(), modbus.stopListening(), veederRoot?.stopListening()]);
      await pause(downMs);
      if (stopping) return;
      // 3. Mains back: the model resumes where it stood, the UPS returns to mains, the devices boot.
      powerState = "restoring";
      model.resume();
      model.setPowerFailure(false);
      model.setUpsOnBattery(false);
      await Promise.all([opcua.startEndpoint(), modbus.startListening(), veederRoot?.startListening()]);
      powerState = "mains";
      logger?.info("energía restablecida en el sitio simulado");
    };
    const resolveTank = (tankKey: string): { installationKey: string; tankKey: string } => {
      const slash = tankKey.indexOf("/");
      if (slash >= 0) return { installationKey: tankKey.slice(0, slash), tankKey: tankKey.slice(slash + 1) };
      const owners = options.site.installations.filter((i) => i.tanks.some((t) => t.key === tankKey));
      if (owners.length === 0) throw new Error(`tanque desconocido: ${tankKey}`);
      if (owners.length > 1) throw new Error(`el tanque ${tankKey} existe en varias instalaciones: use <instalación>/${tankKey}`);
      return { installationKey: owners[0]!.key, tankKey };
    };
    return {
      opcua,
      modbus,
      veederRoot: veederRoot as VeederRootConsole,
      collectorTargets: [{ endpointUrl: opcua.endpointUrl, tags: opcua.tags }],
      get powerState() {
        return powerState;
      },
      async powerFailure(failure) {
        const downMs = failure.downMs;
        const upsLeadMs = failure.upsLeadMs ?? DEFAULT_UPS_LEAD_MS;
        if (!(Number.isFinite(downMs) && downMs >= 0)) throw new RangeError(`downMs debe ser ≥ 0: ${downMs}`);
        if (!(Number.isFinite(upsLeadMs) && upsLeadMs >= 0)) throw new RangeError(`upsLeadMs debe ser ≥ 0: ${upsLeadMs}`);
        if (stopping) throw new Error("los simuladores se están deteniendo");
        if (outage) throw new Error("ya hay una falla de energía en curso");
        outage = runOutage(downMs, upsLeadMs).finally(() => {
          outage = null;
        });
        return outage;
      },
      emergencyStop(active) {
        model.setEmergencyStop(active);
        logger?.warn({ active }, active ? "paro de emergencia simulado activado" : "paro de emergencia simulado restablecido");
      },
      setCalibrationExpired(tankKey, expired) {
        const tank = resolveTank(tankKey);
        model.setCalibrationExpired(tank.installationKey, tank.tankKey, expired);
        logger?.info({ ...tank, expired }, "vigencia de calibración simulada cambiada");
      },
      setLeak(tankKey, litresPerHour) {
        const tank = resolveTank(tankKey);
        model.setLeak(tank.installationKey, tank.tankKey, litresPerHour);
        logger?.warn({ ...tank, litresPerHour }, litresPerHour ? "fuga simulada inyectada" : "fuga simulada detenida");
      },
      async stop() {
        stopping = true;
        wakeOutage?.();
        await outage?.catch(() => undefined);
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
 * duct meters through Modbus TCP; the status points (each tank's calibration_valid, each UCC's
 * ups_on_battery and emergency_stop) through OPC UA, whose source timestamps date the alarms
 * (A30-ALM-01, A30-ALM-05). No tag has two sources.
 */
export function demoCollectorFile(site: Site, simulators: SiteSimulators, dataDir: string): CollectorFile {
  // Polled every second, as the OPC UA values arrive: the dashboard must show a change within 5 s.
  const tlsConfig = { ...demoVeederRootCollectorConfig(site, simulators.veederRoot.port), pollIntervalMs: 1000, timeoutMs: 800 };
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
          tags: [
            ...opcuaTags.map((t) => ({ tag: t.tag, nodeId: t.nodeId })),
            // Status points (A30-ALM-01 types 1/8/11) of every installation, with their source
            // timestamps; a queue so a short stop or UPS transfer between two publishes is not lost.
            ...siteOpcuaStatusTags(site).map((t) => ({ tag: t.tag, nodeId: t.nodeId, queueSize: 10 })),
          ],
        },
        { installationKey: station.key, component: `CANAL:TLS-${station.key}`, ...tlsConfig },
        { installationKey: station.key, component: `CANAL:MODBUS-${station.key}`, ...demoModbusCollectorConfig(site, simulators.modbus.port) },
      ],
      pipeline: { enabled: true, auditIntervalMs: 60_000 },
    },
    { dataDir },
  );
}
