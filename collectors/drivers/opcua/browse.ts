import {
  AttributeIds,
  BrowseDirection,
  DataType,
  NodeClass,
  NodeClassMask,
  NodeId,
  OPCUAClient,
  ReferenceTypeIds,
  makeResultMask,
  resolveNodeId as coerceNodeId,
  type BrowseDescriptionOptions,
  type BrowseResult,
  type ClientSession,
  type ReferenceDescription,
} from "node-opcua";
import { defaultPkiDir, resolveSecurity, userIdentity, type OpcuaEndpointOptions } from "./connection";
import { describeOpcuaError } from "./errors";
import { openCertificateManager } from "./pki";

/**
 * Browse helper for the link configuration UI (A30-MS-13): walks the server's address space from
 * a root (default the Objects folder, i=85) along hierarchical references (Part 4 §5.8.2 Browse,
 * §5.8.3 BrowseNext; Part 3 §7 ReferenceTypes) and returns the Variables with their NodeIds and
 * data types. Uses the same security, identity and certificate trust as the driver, so what the UI
 * offers is what the collector will be able to read.
 */

export interface BrowsedVariable {
  /** `ns=<index>;…` as the server has it now. */
  nodeId: string;
  /** `nsu=<namespace uri>;…`: stable when the server renumbers its namespaces; what to store. */
  stableNodeId: string;
  /** Browse names from the root, `/`-separated (e.g. `EDS-0001/TQS-EDS-0001/level_mm`). */
  browsePath: string;
  displayName: string;
  /** Built-in type name (Double, Int32…) or the DataType node's browse name. */
  dataType: string;
  dataTypeNodeId: string;
}

export interface BrowseOptions {
  /** Default 10 levels below the root. */
  maxDepth?: number;
  /** Stop after this many variables. Default 10 000. */
  maxVariables?: number;
}

const OBJECTS_FOLDER = "i=85";

function stableNodeId(nodeId: NodeId, namespaceArray: readonly string[]): string {
  const text = nodeId.toString();
  if (nodeId.namespace === 0) return text;
  const uri = namespaceArray[nodeId.namespace];
  return uri ? text.replace(/^ns=\d+;/, `nsu=${uri};`) : text;
}

async function browseAllReferences(session: ClientSession, nodeIds: NodeId[]): Promise<ReferenceDescription[][]> {
  const descriptions: BrowseDescriptionOptions[] = nodeIds.map((nodeId) => ({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
    resultMask: makeResultMask("ReferenceType | IsForward | BrowseName | DisplayName | NodeClass | TypeDefinition"),
  }));
  const results: BrowseResult[] = descriptions.length > 0 ? await session.browse(descriptions) : [];
  const references: ReferenceDescription[][] = [];
  for (const result of results) {
    const list = [...(result.references ?? [])];
    let continuationPoint = result.continuationPoint;
    while (continuationPoint && continuationPoint.length > 0) {
      const next: BrowseResult = await session.browseNext(continuationPoint, false);
      list.push(...(next.references ?? []));
      continuationPoint = next.continuationPoint;
    }
    references.push(list);
  }
  return references;
}

async function dataTypeNames(session: ClientSession, dataTypeIds: NodeId[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unknown: NodeId[] = [];
  for (const id of dataTypeIds) {
    const key = id.toString();
    if (names.has(key)) continue;
    const builtin = id.namespace === 0 && typeof id.value === "number" ? DataType[id.value] : undefined;
    if (builtin && id.value !== 0 && (id.value as number) <= 25) names.set(key, builtin);
    else if (!unknown.some((u) => u.toString() === key)) unknown.push(id);
  }
  for (let i = 0; i < unknown.length; i += 500) {
    const batch = unknown.slice(i, i + 500);
    const values = await session.read(batch.map((nodeId) => ({ nodeId, attributeId: AttributeIds.BrowseName })));
    batch.forEach((id, index) => {
      const browseName = values[index]?.value?.value as { name?: string } | undefined;
      names.set(id.toString(), browseName?.name ?? id.toString());
    });
  }
  return names;
}

/**
 * Variables under `root` (a NodeId string, `nsu=` accepted). Throws with a Spanish message when
 * the server cannot be reached, its certificate is not trusted, or the credentials are refused.
 */
export async function browseTags(endpoint: OpcuaEndpointOptions, root: string = OBJECTS_FOLDER, options: BrowseOptions = {}): Promise<BrowsedVariable[]> {
  const maxDepth = options.maxDepth ?? 10;
  const maxVariables = options.maxVariables ?? 10_000;
  const security = resolveSecurity(endpoint.securityMode ?? "None", endpoint.securityPolicy);
  const certificateManager = openCertificateManager(endpoint.pkiDir ?? defaultPkiDir(), { trustOnFirstUse: endpoint.trustOnFirstUse });
  const client = OPCUAClient.create({
    applicationName: "AforoCollector",
    endpointMustExist: false,
    securityMode: security.securityMode,
    securityPolicy: security.securityPolicy,
    clientCertificateManager: certificateManager,
    connectionStrategy: { initialDelay: 250, maxDelay: 1000, maxRetry: 1 },
    requestedSessionTimeout: 60_000,
  });
  let session: ClientSession | null = null;
  try {
    try {
      await client.connect(endpoint.endpointUrl);
      session = await client.createSession(userIdentity(endpoint.auth));
    } catch (error) {
      const failure = describeOpcuaError(error);
      const refused = certificateManager.lastRefused;
      throw new Error(refused ? `${failure.message} (huella SHA-1 ${refused.thumbprint})` : failure.message, { cause: error });
    }
    const namespaceArray = await session.readNamespaceArray();
    const rootText = /^nsu=/.test(root) ? root.replace(/^nsu=([^;]+);/, (_m, uri: string) => `ns=${namespaceArray.indexOf(uri)};`) : root;
    if (/^ns=-1;/.test(rootText)) throw new Error(`espacio de nombres desconocido en el servidor: ${root}`);
    const rootId = coerceNodeId(rootText);

    const variables: BrowsedVariable[] = [];
    const pending: Array<{ nodeId: NodeId; path: string; displayName: string; dataTypeId?: NodeId }> = [];
    const seen = new Set<string>([rootId.toString()]);
    let frontier: Array<{ nodeId: NodeId; path: string }> = [{ nodeId: rootId, path: "" }];
    for (let depth = 0; depth < maxDepth && frontier.length > 0 && pending.length < maxVariables; depth += 1) {
      const next: Array<{ nodeId: NodeId; path: string }> = [];
      for (let i = 0; i < frontier.length; i += 200) {
        const batch = frontier.slice(i, i + 200);
        const references = await browseAllReferences(
          session,
          batch.map((entry) => entry.nodeId),
        );
        references.forEach((list, index) => {
          const parent = batch[index];
          if (!parent) return;
          for (const reference of list) {
            if (reference.nodeId.namespaceUri || reference.nodeId.serverIndex) continue; // other servers
            const nodeId = new NodeId(reference.nodeId.identifierType, reference.nodeId.value, reference.nodeId.namespace);
            const key = nodeId.toString();
            if (seen.has(key)) continue;
            seen.add(key);
            const name = reference.browseName.name ?? key;
            const path = parent.path ? `${parent.path}/${name}` : name;
            if (reference.nodeClass === NodeClass.Variable && pending.length < maxVariables) {
              pending.push({ nodeId, path, displayName: reference.displayName.text ?? name });
            }
            // Variables can have children (properties, AnalogItem EURange…): walk objects only.
            if (reference.nodeClass === NodeClass.Object) next.push({ nodeId, path });
          }
        });
      }
      frontier = next;
    }

    // DataType attribute of every variable, then names of the data types.
    for (let i = 0; i < pending.length; i += 500) {
      const batch = pending.slice(i, i + 500);
      const values = await session.read(batch.map((entry) => ({ nodeId: entry.nodeId, attributeId: AttributeIds.DataType })));
      batch.forEach((entry, index) => {
        const value = values[index]?.value?.value;
        if (value instanceof NodeId) entry.dataTypeId = value;
      });
    }
    const names = await dataTypeNames(
      session,
      pending.flatMap((entry) => (entry.dataTypeId ? [entry.dataTypeId] : [])),
    );
    for (const entry of pending) {
      const dataTypeNodeId = entry.dataTypeId?.toString() ?? "";
      variables.push({
        nodeId: entry.nodeId.toString(),
        stableNodeId: stableNodeId(entry.nodeId, namespaceArray),
        browsePath: entry.path,
        displayName: entry.displayName,
        dataType: names.get(dataTypeNodeId) ?? "desconocido",
        dataTypeNodeId,
      });
    }
    return variables;
  } finally {
    if (session) await session.close(true).catch(() => undefined);
    await client.disconnect().catch(() => undefined);
    await certificateManager.dispose().catch(() => undefined);
  }
}
