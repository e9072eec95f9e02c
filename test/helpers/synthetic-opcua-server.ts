import os from "node:os";
import path from "node:path";
import { DataType, OPCUACertificateManager, OPCUAServer, SecurityPolicy, MessageSecurityMode, nodesets, StatusCodes, type UAVariable } from "node-opcua";

/**
 * A synthetic OPC UA server for the benchmarks: `tags` Double variables that all change
 * `rateHz` times per second, pushed by exception with `setValueFromSource` (sourceTimestamp =
 * the wall clock at the push), like a gateway that republishes a field scan. Updates are spread
 * over `slices` ticks per period so the load is smooth rather than one burst per second.
 *
 *   Objects/<prefix>/<group of 100>/<tag>, NodeId `ns=<idx>;s=<tag>`, tag = `<prefix>/TQS-NNNNN/level_mm`
 *
 * Meant to run in its own process (synthetic-opcua-child.ts) so that it does not share the
 * collector's event loop or memory figures.
 */

export const SYNTHETIC_NAMESPACE_URI = "urn:aforo:bench:synthetic";

export interface SyntheticOpcuaServerOptions {
  tags: number;
  rateHz: number;
  port?: number;
  host?: string;
  /** Ticks per period over which the updates are spread. Default 10. */
  slices?: number;
  /** First segment of every tag (the installation key for the realtime rooms). Default SYN-0001. */
  prefix?: string;
  pkiDir?: string;
}

export interface SyntheticOpcuaServer {
  endpointUrl: string;
  /** `nsu=` NodeIds (resolved by the driver against the NamespaceArray). */
  tags: Array<{ tag: string; nodeId: string }>;
  /** Values pushed so far. */
  published(): number;
  /** Changes how often every tag changes. */
  setRate(rateHz: number): void;
  stop(): Promise<void>;
}

export function syntheticTagName(prefix: string, i: number): string {
  return `${prefix}/TQS-${String(i).padStart(5, "0")}/level_mm`;
}

export function syntheticTags(count: number, prefix = "SYN-0001"): Array<{ tag: string; nodeId: string }> {
  return Array.from({ length: count }, (_, i) => {
    const tag = syntheticTagName(prefix, i);
    return { tag, nodeId: `nsu=${SYNTHETIC_NAMESPACE_URI};s=${tag}` };
  });
}

export async function startSyntheticOpcuaServer(options: SyntheticOpcuaServerOptions): Promise<SyntheticOpcuaServer> {
  const prefix = options.prefix ?? "SYN-0001";
  const slices = options.slices ?? 10;
  const host = options.host ?? "127.0.0.1";
  const pkiDir = options.pkiDir ?? path.join(os.tmpdir(), "aforo-opcua-pki", "synthetic-bench");
  const server = new OPCUAServer({
    port: options.port ?? 0,
    host,
    hostname: host,
    serverCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(pkiDir, "server"), automaticallyAcceptUnknownCertificate: true }),
    userCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(pkiDir, "user"), automaticallyAcceptUnknownCertificate: true }),
    nodesets: [nodesets.standard],
    securityPolicies: [SecurityPolicy.None],
    securityModes: [MessageSecurityMode.None],
    allowAnonymous: true,
    disableDiscovery: true,
    serverCapabilities: { operationLimits: { maxMonitoredItemsPerCall: 100_000 }, maxMonitoredItemsPerSubscription: 1_000_000 },
    serverInfo: { applicationUri: `${SYNTHETIC_NAMESPACE_URI}:server`, productUri: "urn:aforo:bench", applicationName: { text: "Aforo synthetic bench server" } },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.registerNamespace(SYNTHETIC_NAMESPACE_URI);
  const root = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: prefix, nodeId: `s=${prefix}` });
  const variables: UAVariable[] = [];
  let folder = root;
  for (let i = 0; i < options.tags; i++) {
    if (i % 100 === 0) folder = namespace.addFolder(root, { browseName: `G${String(i / 100).padStart(4, "0")}`, nodeId: `s=${prefix}/G${i / 100}` });
    const tag = syntheticTagName(prefix, i);
    variables.push(
      namespace.addVariable({
        componentOf: folder,
        browseName: tag.split("/")[1]!,
        nodeId: `s=${tag}`,
        dataType: "Double",
        accessLevel: "CurrentRead",
        userAccessLevel: "CurrentRead",
        minimumSamplingInterval: 0,
      }),
    );
  }
  const start = Date.now();
  const push = (from: number, to: number): void => {
    const now = new Date();
    const phase = (now.getTime() - start) / 1000;
    for (let i = from; i < to; i++) {
      variables[i]!.setValueFromSource({ dataType: DataType.Double, value: 1000 + 100 * Math.sin(phase + i) + (i % 7) / 8 }, StatusCodes.Good, now);
    }
    published += to - from;
  };
  let published = 0;
  push(0, variables.length);
  await server.start();
  const port = server.endpoints[0]?.port ?? options.port;
  const perSlice = Math.ceil(variables.length / slices);
  // Drift-compensated: a late timer publishes every slice that is due (at most one period), so
  // the offered rate stays rateHz × tags unless the process is out of CPU.
  let timer: NodeJS.Timeout | null = null;
  let rateHz = options.rateHz;
  const schedule = (): void => {
    if (timer) clearInterval(timer);
    const sliceMs = 1000 / rateHz / slices;
    const t0 = Date.now();
    let done = 0;
    timer = setInterval(() => {
      const due = Math.floor((Date.now() - t0) / sliceMs);
      if (due - done > slices) done = due - slices;
      for (; done < due; done++) {
        const slice = done % slices;
        const from = slice * perSlice;
        push(from, Math.min(variables.length, from + perSlice));
      }
    }, sliceMs);
  };
  schedule();
  return {
    endpointUrl: `opc.tcp://${host}:${port}`,
    tags: syntheticTags(options.tags, prefix),
    published: () => published,
    setRate(hz) {
      if (!(hz > 0)) throw new RangeError(`rateHz debe ser > 0: ${hz}`);
      rateHz = hz;
      schedule();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await server.shutdown(0);
    },
  };
}
