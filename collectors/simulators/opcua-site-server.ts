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
  type UAVariable,
} from "node-opcua";
import { TANK_VARIABLES, tagName, type Site, type TankVariable } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { createPrng, type Prng } from "./prng";
import {
  createSiteModel,
  stepSiteModel,
  withSensorFault,
  type SensorFault,
  type SiteEvent,
  type SiteModelConfig,
  type SiteModelState,
} from "./site-model";

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
  /** Accepted user name + password pairs (UserNameIdentityToken). Default none. */
  users?: ReadonlyArray<{ username: string; password: string }>;
  /** Anonymous sessions. Default: allowed when no `users` are configured. */
  allowAnonymous?: boolean;
  /** Security modes offered. Default all three (None only with the None policy). */
  securityModes?: ReadonlyArray<SimulatorSecurityMode>;
  /** Security policies offered. Default None, Basic256Sha256 and Aes128_Sha256_RsaOaep. */
  securityPolicies?: ReadonlyArray<SimulatorSecurityPolicy>;
}

export type SimulatorSecurityMode = "None" | "Sign" | "SignAndEncrypt";
export type SimulatorSecurityPolicy = "None" | "Basic256Sha256" | "Aes128_Sha256_RsaOaep";

export interface OpcuaTag {
  tag: string;
  nodeId: string;
}

export interface SiteModelHandle {
  /** Current model state (noise-free `truth` and published `measured` values per tank). */
  readonly state: SiteModelState;
  /** Events of the last hours (ring buffer), oldest first. */
  readonly events: readonly SiteEvent[];
  onEvents(listener: (events: SiteEvent[]) => void): () => void;
  /** Steps the model now by `dtS` simulated seconds and publishes the values (tests; the timer keeps running). */
  advance(dtS: number): void;
  /** Sets or clears (null) a sensor fault on one tag; takes effect at the next tick. */
  setFault(tag: string, fault: SensorFault | null): void;
}

export interface OpcuaSiteServer {
  endpointUrl: string;
  port: number;
  namespaceUri: string;
  namespaceIndex: number;
  /** Every published tag with its NodeId (`ns=<idx>;s=<tag>`). */
  tags: OpcuaTag[];
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

const EVENT_BUFFER_SIZE = 10_000;
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
  namespaceIndex: number;
  port: number;
}

export async function startOpcuaSiteServer(options: OpcuaSiteServerOptions): Promise<OpcuaSiteServer> {
  const { site, logger } = options;
  const host = options.host ?? "127.0.0.1";
  const tickMs = options.tickMs ?? 1000;
  const speed = options.speed ?? 1;
  const now = options.now ?? Date.now;
  if (!(tickMs > 0)) throw new RangeError(`tickMs debe ser > 0: ${tickMs}`);
  if (!(speed > 0)) throw new RangeError(`speed debe ser > 0: ${speed}`);
  const users = options.users ?? [];
  const allowAnonymous = options.allowAnonymous ?? users.length === 0;
  const policies = options.securityPolicies ?? ["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep"];
  const modes = options.securityModes ?? ["None", "Sign", "SignAndEncrypt"];
  if (policies.length === 0 || modes.length === 0) throw new RangeError("el simulador necesita al menos un modo y una política de seguridad");

  const pkiDir =
    options.pkiDir ?? path.join(os.tmpdir(), "aforo-opcua-pki", `simulator-${site.opcua.namespaceUri.replace(/[^A-Za-z0-9_-]+/g, "_")}`);
  const advertisedHost = host === "0.0.0.0" || host === "::" ? os.hostname() : host;

  const rng: Prng = createPrng(options.seed ?? 1);
  let lastWallMs = now();
  let state = createSiteModel(site, { startTimeMs: lastWallMs, rng, config: options.modelConfig });
  const events: SiteEvent[] = [];
  const eventListeners = new Set<(events: SiteEvent[]) => void>();
  const tagSet = new Set<string>();
  for (const installation of site.installations) {
    for (const tank of installation.tanks) for (const variable of TANK_VARIABLES) tagSet.add(tagName(installation.key, tank.key, variable));
  }

  let endpoint: Endpoint | null = null;

  const publish = (): void => {
    if (!endpoint) return;
    const sourceTimestamp = new Date(state.timeMs);
    for (const tank of state.tanks) {
      for (const variable of TANK_VARIABLES) {
        const node = endpoint.variables.get(tagName(tank.spec.installationKey, tank.spec.tankKey, variable));
        node?.setValueFromSource({ dataType: DataType.Double, value: tank.measured[variable] }, StatusCodes.Good, sourceTimestamp);
      }
    }
  };

  const advance = (dtS: number): void => {
    const result = stepSiteModel(state, dtS, rng);
    state = result.state;
    if (result.events.length > 0) {
      events.push(...result.events);
      if (events.length > EVENT_BUFFER_SIZE) events.splice(0, events.length - EVENT_BUFFER_SIZE);
      for (const listener of eventListeners) listener(result.events);
    }
    publish();
  };

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
      for (const installation of site.installations) {
        const installationFolder = namespace.addFolder(addressSpace.rootFolder.objects, {
          browseName: installation.key,
          nodeId: `s=${installation.key}`,
        });
        for (const tank of installation.tanks) {
          const tankFolder = namespace.addFolder(installationFolder, {
            browseName: tank.key,
            nodeId: `s=${installation.key}/${tank.key}`,
            description: tank.description,
          });
          const tankState = state.tanks.find((t) => t.spec.installationKey === installation.key && t.spec.tankKey === tank.key);
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
      const opened: Endpoint = { server, variables, namespaceIndex: namespace.index, port };
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

  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const first = await openEndpoint(options.port);
  const port = first.port;
  const namespaceIndex = first.namespaceIndex;
  const certificate = Buffer.from(first.server.getCertificate());
  const endpointUrl = `opc.tcp://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;

  timer = setInterval(() => {
    // Simulated time follows the wall clock × speed, so at speed 1 the model's time (and the
    // sourceTimestamp) is real time however late the timer fires.
    const wallMs = now();
    const dtS = ((wallMs - lastWallMs) / 1000) * speed;
    lastWallMs = wallMs;
    try {
      advance(dtS);
    } catch (error) {
      logger?.error({ err: error }, "error en el paso del simulador");
    }
  }, tickMs);

  logger?.info({ endpointUrl, tags: tagSet.size, speed, policies, modes, users: users.length, allowAnonymous }, "simulador OPC UA del sitio iniciado");

  const model: SiteModelHandle = {
    get state() {
      return state;
    },
    get events() {
      return events;
    },
    onEvents(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    advance,
    setFault(tag, fault) {
      if (!tagSet.has(tag)) throw new Error(`etiqueta desconocida: ${tag}`);
      state = withSensorFault(state, tag, fault);
    },
  };

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
      if (timer) clearInterval(timer);
      eventListeners.clear();
      await closeEndpoint();
      logger?.info({ endpointUrl }, "simulador OPC UA del sitio detenido");
    },
  };
}
