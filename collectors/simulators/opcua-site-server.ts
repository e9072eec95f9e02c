import { createHash, timingSafeEqual } from "node:crypto";
import os from "node:os";
import path from "node:path";
import {
  DataType,
  makeEUInformation,
  MessageSecurityMode,
  nodesets,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  standardUnits,
  StatusCodes,
  type EUInformation,
  type UAObject,
  type UAVariable,
} from "node-opcua";
import { TANK_VARIABLES, tagName, type Site, type TankVariable } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { createSiteModelRunner, type SiteModelHandle } from "./model-runner";
import type { SiteModelConfig, SiteModelState } from "./site-model";
import { siteStatusPoints, statusPointValue, UCC_ELEMENT_KEY } from "./status-points";

export type { SiteModelHandle } from "./model-runner";

/**
 * The demo site's OPC UA server: the site model behind a real node-opcua server, as a tank-gauge
 * gateway would expose it. Address space:
 *
 *   Objects/<installationKey>/<tankKey>/{level_mm, temperature_c, water_level_mm, density_kg_m3}
 *
 * Each variable is an AnalogItem (Double, engineering units, EURange) with the string NodeId
 * `ns=<idx>;s=<tag>` where tag = `<installationKey>/<tankKey>/<variable>` (`tagName`), idx being
 * the index of `site.opcua.namespaceUri`. Values are pushed by exception once per tick with
 * `setValueFromSource` and the model's time as sourceTimestamp: no getters, which would make the
 * server sample every variable itself (stack-feasibility P7/P13).
 *
 * Security (OPC UA Part 2 §6, Part 4 §5.5.2): by default None, Sign and SignAndEncrypt with the
 * policies Basic256Sha256 and Aes128_Sha256_RsaOaep (`securityModes` / `securityPolicies` restrict
 * them); unknown client certificates are accepted automatically (a simulator only — never in a
 * real server). User tokens (Part 4 §7.41): anonymous, and user name + password for the `users`
 * configured; with users configured anonymous is refused unless `allowAnonymous` says otherwise.
 *
 * Restarts: `restart()` (or `stopEndpoint()` + `startEndpoint()`) closes the OPC UA endpoint and
 * opens a new one on the same port with the same certificate (same `pkiDir`), while the site model
 * keeps running, so a collector's trust in the certificate survives and its values continue.
 *
 * Status points (`statusPoints: true`, as `startSiteSimulators` runs it), Boolean variables in
 * addition to the tank variables above (`tags` and `siteOpcuaTags` do not list them; see
 * `statusTags` / `siteOpcuaStatusTags`):
 *
 *   Objects/<installationKey>/<tankKey>/calibration_valid   true while the tank's calibration is
 *                                                           valid (A30-ALM-01 type 1, A30-MS-12)
 *   Objects/<installationKey>/UCC/ups_on_battery            the UCC's UPS runs on battery (mains
 *                                                           lost, A30-ALM-01 type 8)
 *   Objects/<installationKey>/UCC/emergency_stop            emergency-stop input (A30-ALM-01 type 11)
 *
 * with string NodeIds `ns=<idx>;s=<tag>` like the tank variables (the UCC folder is
 * `s=<installationKey>/UCC`). Off by default so the address space of a bare server stays the one
 * older collectors browse.
 */

export interface OpcuaSiteServerOptions {
  site: Site;
  /** TCP port; 0 picks a free one (see `port` of the result). */
  port: number;
  /** Listen address. Default 127.0.0.1 (loopback). */
  host?: string;
  /** Wall-clock period between model steps and value pushes. Default 1000 ms. */
  tickMs?: number;
  /** Simulated seconds per wall-clock second. Default 1. Above 1 the timestamps run ahead of real time. */
  speed?: number;
  /** Seed of the model's random numbers. Default 1. */
  seed?: number;
  /**
   * PKI folder (own certificate, trusted/rejected lists); never inside the repository. Default:
   * <tmpdir>/aforo-opcua-pki/simulator-<namespace>, kept between runs because generating the RSA
   * key pair is most of a cold start (≈1.5 s of ≈1.9 s). The demo server should pass a folder in
   * its data directory.
   */
  pkiDir?: string;
  logger?: Logger;
  /** Wall clock (epoch ms); injectable for tests. Default Date.now. */
  now?: () => number;
  /** Model parameters (delivery volumes, traffic, noise…). */
  modelConfig?: Partial<SiteModelConfig>;
  /** Start the model from this state (see `SiteModelRunnerOptions.initialState`). */
  initialState?: SiteModelState;
  /** Accepted user name + password pairs (UserNameIdentityToken). Default none. */
  users?: ReadonlyArray<{ username: string; password: string }>;
  /** Anonymous sessions. Default: allowed when no `users` are configured. */
  allowAnonymous?: boolean;
  /** Security modes offered. Default all three (None only with the None policy). */
  securityModes?: ReadonlyArray<SimulatorSecurityMode>;
  /** Security policies offered. Default None, Basic256Sha256 and Aes128_Sha256_RsaOaep. */
  securityPolicies?: ReadonlyArray<SimulatorSecurityPolicy>;
  /** Also publish the status points (calibration_valid, UCC/ups_on_battery, UCC/emergency_stop). Default false. */
  statusPoints?: boolean;
}

export type SimulatorSecurityMode = "None" | "Sign" | "SignAndEncrypt";
export type SimulatorSecurityPolicy = "None" | "Basic256Sha256" | "Aes128_Sha256_RsaOaep";

export interface OpcuaTag {
  tag: string;
  nodeId: string;
}

export interface OpcuaSiteServer {
  endpointUrl: string;
  port: number;
  namespaceUri: string;
  namespaceIndex: number;
  /** Every published tank tag with its NodeId (`ns=<idx>;s=<tag>`). */
  tags: OpcuaTag[];
  /** The status points with their NodeIds (`ns=<idx>;s=<tag>`); empty without `statusPoints`. */
  statusTags: OpcuaTag[];
  model: SiteModelHandle;
  /** DER of the server's application instance certificate; the same across restarts (same pkiDir). */
  certificate: Buffer;
  /** SHA-1 of `certificate`, lowercase hex (the OPC UA thumbprint). */
  certificateThumbprint: string;
  /** Whether the OPC UA endpoint is open (false between `stopEndpoint` and `startEndpoint`). */
  readonly endpointRunning: boolean;
  /** Closes the OPC UA endpoint (clients lose their link); the model keeps stepping. */
  stopEndpoint(): Promise<void>;
  /** Opens the endpoint again on the same port with the same certificate. */
  startEndpoint(): Promise<void>;
  /** `stopEndpoint`, wait `downMs` (default 0), `startEndpoint`. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const KILOGRAM_PER_CUBIC_METRE = makeEUInformation("KMQ", "kg/m³", "kilogram per cubic metre");

function variableUnits(variable: TankVariable): EUInformation {
  switch (variable) {
    case "level_mm":
    case "water_level_mm":
      return standardUnits.millimetre;
    case "temperature_c":
      return standardUnits.degree_celsius;
    case "density_kg_m3":
      return KILOGRAM_PER_CUBIC_METRE;
  }
}

/** `nsu=` form of the status points' NodeIds (`statusPoints: true`). */
export function siteOpcuaStatusTags(site: Site): OpcuaTag[] {
  return siteStatusPoints(site).map((point) => ({ tag: point.tag, nodeId: `nsu=${site.opcua.namespaceUri};s=${point.tag}` }));
}

/** `nsu=` form of a tank variable's NodeId; resolvable without knowing the server's namespace index. */
export function siteOpcuaTags(site: Site): OpcuaTag[] {
  const tags: OpcuaTag[] = [];
  for (const installation of site.installations) {
    for (const tank of installation.tanks) {
      for (const variable of TANK_VARIABLES) {
        const tag = tagName(installation.key, tank.key, variable);
        tags.push({ tag, nodeId: `nsu=${site.opcua.namespaceUri};s=${tag}` });
      }
    }
  }
  return tags;
}

const SECURITY_POLICY_URIS: Record<SimulatorSecurityPolicy, SecurityPolicy> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
};

function sameSecret(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}

interface Endpoint {
  server: OPCUAServer;
  variables: Map<string, UAVariable>;
  statusVariables: Map<string, UAVariable>;
  namespaceIndex: number;
  port: number;
}

export async function startOpcuaSiteServer(options: OpcuaSiteServerOptions): Promise<OpcuaSiteServer> {
  const { site, logger } = options;
  const host = options.host ?? "127.0.0.1";
  const speed = options.speed ?? 1;
  const users = options.users ?? [];
  const allowAnonymous = options.allowAnonymous ?? users.length === 0;
  const policies = options.securityPolicies ?? ["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep"];
  const modes = options.securityModes ?? ["None", "Sign", "SignAndEncrypt"];
  if (policies.length === 0 || modes.length === 0) throw new RangeError("el simulador necesita al menos un modo y una política de seguridad");

  const pkiDir =
    options.pkiDir ?? path.join(os.tmpdir(), "aforo-opcua-pki", `simulator-${site.opcua.namespaceUri.replace(/[^A-Za-z0-9_-]+/g, "_")}`);
  const advertisedHost = host === "0.0.0.0" || host === "::" ? os.hostname() : host;

  const tagSet = new Set<string>();
  for (const installation of site.installations) {
    for (const tank of installation.tanks) for (const variable of TANK_VARIABLES) tagSet.add(tagName(installation.key, tank.key, variable));
  }
  const statusPoints = options.statusPoints === true ? siteStatusPoints(site) : [];

  let endpoint: Endpoint | null = null;

  const publish = (): void => {
    if (!endpoint) return;
    const state = runner.handle.state;
    const sourceTimestamp = new Date(state.timeMs);
    for (const tank of state.tanks) {
      for (const variable of TANK_VARIABLES) {
        const node = endpoint.variables.get(tagName(tank.spec.installationKey, tank.spec.tankKey, variable));
        node?.setValueFromSource({ dataType: DataType.Double, value: tank.measured[variable] }, StatusCodes.Good, sourceTimestamp);
      }
    }
    for (const point of statusPoints) {
      const node = endpoint.statusVariables.get(point.tag);
      node?.setValueFromSource({ dataType: DataType.Boolean, value: statusPointValue(point, state) }, StatusCodes.Good, sourceTimestamp);
    }
  };

  const runner = createSiteModelRunner({
    site,
    tickMs: options.tickMs,
    speed,
    seed: options.seed,
    modelConfig: options.modelConfig,
    initialState: options.initialState,
    now: options.now,
    logger,
    onChange: publish,
  });
  const model: SiteModelHandle = runner.handle;

  /** One OPC UA server instance; the same pkiDir gives the same certificate every time. */
  const openEndpoint = async (port: number): Promise<Endpoint> => {
    // Two managers: the server's own certificate and the (unused) user-certificate store, both in
    // pkiDir; without them node-opcua writes to ~/.config. The server disposes them on shutdown.
    const serverCertificateManager = new OPCUACertificateManager({
      rootFolder: path.join(pkiDir, "server"),
      automaticallyAcceptUnknownCertificate: true,
    });
    const userCertificateManager = new OPCUACertificateManager({
      rootFolder: path.join(pkiDir, "user"),
      automaticallyAcceptUnknownCertificate: true,
    });
    const server = new OPCUAServer({
      port,
      host,
      hostname: advertisedHost,
      serverCertificateManager,
      userCertificateManager,
      nodesets: [nodesets.standard],
      securityPolicies: policies.map((policy) => SECURITY_POLICY_URIS[policy]),
      securityModes: modes.map((mode) => MessageSecurityMode[mode]),
      allowAnonymous,
      userManager: {
        isValidUser: (username: string, password: string) => users.some((user) => user.username === username && sameSecret(user.password, password)),
      },
      disableDiscovery: false,
      serverInfo: {
        applicationUri: `${site.opcua.namespaceUri}:server`,
        productUri: "urn:aforo:site-simulator",
        applicationName: { text: "Aforo simulador de sitio", locale: "es-MX" },
      },
      buildInfo: { productName: "Aforo site simulator", manufacturerName: "Aforo" },
    });
    try {
      await server.initialize();
      const addressSpace = server.engine.addressSpace;
      if (!addressSpace) throw new Error("el servidor OPC UA no creó su espacio de direcciones");
      const namespace = addressSpace.registerNamespace(site.opcua.namespaceUri);
      const variables = new Map<string, UAVariable>();
      const folders = new Map<string, UAObject>();
      for (const installation of site.installations) {
        const installationFolder = namespace.addFolder(addressSpace.rootFolder.objects, {
          browseName: installation.key,
          nodeId: `s=${installation.key}`,
        });
        folders.set(installation.key, installationFolder);
        for (const tank of installation.tanks) {
          const tankFolder = namespace.addFolder(installationFolder, {
            browseName: tank.key,
            nodeId: `s=${installation.key}/${tank.key}`,
            description: tank.description,
          });
          folders.set(`${installation.key}/${tank.key}`, tankFolder);
          const tankState = model.state.tanks.find((t) => t.spec.installationKey === installation.key && t.spec.tankKey === tank.key);
          if (!tankState) throw new Error(`tanque ${tank.key} ausente del modelo`);
          for (const variable of TANK_VARIABLES) {
            const tag = tagName(installation.key, tank.key, variable);
            const range =
              variable === "temperature_c"
                ? { low: -30, high: 80 }
                : variable === "density_kg_m3"
                  ? { low: 500, high: 1100 }
                  : { low: 0, high: tankState.spec.heightMm };
            const node = namespace.addAnalogDataItem({
              componentOf: tankFolder,
              browseName: variable,
              nodeId: `s=${tag}`,
              dataType: "Double",
              engineeringUnits: variableUnits(variable),
              engineeringUnitsRange: range,
              accessLevel: "CurrentRead",
              userAccessLevel: "CurrentRead",
              // 0 = "exception based": monitored items are fed by value changes, not by sampling.
              minimumSamplingInterval: 0,
            });
            variables.set(tag, node);
          }
        }
      }
      const statusVariables = new Map<string, UAVariable>();
      for (const point of statusPoints) {
        const parentKey = point.kind === "calibration" ? `${point.installationKey}/${point.tankKey}` : `${point.installationKey}/${UCC_ELEMENT_KEY}`;
        let parent = folders.get(parentKey);
        if (!parent && point.kind === "ucc") {
          const installationFolder = folders.get(point.installationKey);
          if (!installationFolder) throw new Error(`carpeta de ${point.installationKey} ausente`);
          parent = namespace.addFolder(installationFolder, {
            browseName: UCC_ELEMENT_KEY,
            nodeId: `s=${parentKey}`,
            description: `Unidad central de control de ${point.installationKey}`,
          });
          folders.set(parentKey, parent);
        }
        if (!parent) throw new Error(`nodo padre de ${point.tag} ausente`);
        const node = namespace.addVariable({
          componentOf: parent,
          browseName: point.tag.slice(point.tag.lastIndexOf("/") + 1),
          nodeId: `s=${point.tag}`,
          dataType: "Boolean",
          accessLevel: "CurrentRead",
          userAccessLevel: "CurrentRead",
          minimumSamplingInterval: 0,
        });
        statusVariables.set(point.tag, node);
      }
      const opened: Endpoint = { server, variables, statusVariables, namespaceIndex: namespace.index, port };
      endpoint = opened;
      publish();
      await server.start();
      opened.port = server.endpoints[0]?.port ?? port;
      return opened;
    } catch (error) {
      endpoint = null;
      await server.shutdown(0).catch(() => undefined);
      throw error;
    }
  };

  const closeEndpoint = async (): Promise<void> => {
    const current = endpoint;
    endpoint = null;
    // shutdown(0): close at once; node-opcua disposes both certificate managers itself.
    if (current) await current.server.shutdown(0);
  };

  let stopped = false;
  const first = await openEndpoint(options.port);
  const port = first.port;
  const namespaceIndex = first.namespaceIndex;
  const certificate = Buffer.from(first.server.getCertificate());
  const endpointUrl = `opc.tcp://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;

  // Simulated time follows the wall clock × speed, so at speed 1 the model's time (and the
  // sourceTimestamp) is real time however late the timer fires.
  runner.start();

  logger?.info({ endpointUrl, tags: tagSet.size, speed, policies, modes, users: users.length, allowAnonymous }, "simulador OPC UA del sitio iniciado");

  const stopEndpoint = async (): Promise<void> => {
    if (!endpoint) return;
    await closeEndpoint();
    logger?.info({ endpointUrl }, "punto de conexión OPC UA del simulador cerrado");
  };
  const startEndpoint = async (): Promise<void> => {
    if (stopped) throw new Error("el simulador ya se detuvo");
    if (endpoint) return;
    const reopened = await openEndpoint(port);
    const again = Buffer.from(reopened.server.getCertificate());
    if (!again.equals(certificate)) logger?.warn({ endpointUrl }, "el certificado del simulador cambió al reiniciar");
    logger?.info({ endpointUrl }, "punto de conexión OPC UA del simulador reabierto");
  };

  return {
    endpointUrl,
    port,
    namespaceUri: site.opcua.namespaceUri,
    namespaceIndex,
    tags: [...tagSet].map((tag) => ({ tag, nodeId: `ns=${namespaceIndex};s=${tag}` })),
    statusTags: statusPoints.map((point) => ({ tag: point.tag, nodeId: `ns=${namespaceIndex};s=${point.tag}` })),
    model,
    certificate,
    certificateThumbprint: createHash("sha1").update(certificate).digest("hex"),
    get endpointRunning() {
      return endpoint !== null;
    },
    stopEndpoint,
    startEndpoint,
    async restart(restartOptions) {
      await stopEndpoint();
      const downMs = restartOptions?.downMs ?? 0;
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await startEndpoint();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      runner.stop();
      await closeEndpoint();
      logger?.info({ endpointUrl }, "simulador OPC UA del sitio detenido");
    },
  };
}
