import path from "node:path";
import { z } from "zod";
import { parseModbusConfig, ModbusConfigError, type ModbusConnectionConfig } from "./drivers/modbus/index";
import { parseOpcuaConnection, type OpcuaConnectionConfig } from "./drivers/opcua/index";
import { parseVeederRootConfig, tankVariables, type VeederRootConfig } from "./drivers/veeder-root/config";

/**
 * The collector file (`aforo collect --config FILE`, A30-MS-13): one collector process with any
 * number of links of the three protocols. Each link is the driver's own zod-validated config plus
 * the identity the record uses for it: the installation and the component key that bitácora
 * entries and alarms name (A30-ALM-02: `CANAL:<link>` or a measurement-system key).
 *
 * {
 *   "collectorKey": "COL-EDS-0001",
 *   "links": [
 *     { "kind": "opcua", "installationKey": "EDS-0001", "component": "CANAL:OPCUA-EDS-0001", "endpointUrl": "opc.tcp://…", "tags": [...] },
 *     { "kind": "modbus", "installationKey": "EDS-0001", "devices": [...] },
 *     { "kind": "veeder-root", "installationKey": "EDS-0001", "component": "CANAL:TLS-EDS-0001", "host": "…", "tanks": [...] }
 *   ],
 *   "pipeline": { "enabled": true, "auditIntervalMs": 60000 }
 * }
 *
 * Modbus links report each device separately: a device key `<installationKey>/<component>`
 * names the component of its outages.
 */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const fileSchema = z.object({
  collectorKey: z.string().regex(KEY, "letras, dígitos, guion o guion bajo (máx. 64)"),
  links: z.array(z.record(z.string(), z.unknown())).min(1, "configure al menos un enlace"),
  pipeline: z
    .object({
      enabled: z.boolean().default(true),
      auditIntervalMs: z.number().int().min(1000).default(60_000),
    })
    .strict()
    .prefault({}),
  spool: z
    .object({ maxBytes: z.number().int().min(1024 * 1024).optional() })
    .strict()
    .optional(),
}).strict();

const identitySchema = z.object({
  installationKey: z.string().min(1, "indique installationKey (clave de la instalación)"),
  component: z.string().min(1).max(80).optional(),
});

export type CollectorLink =
  | { kind: "opcua"; installationKey: string; component: string; config: OpcuaConnectionConfig }
  | { kind: "modbus"; installationKey: string; component: string; config: ModbusConnectionConfig }
  | { kind: "veeder-root"; installationKey: string; component: string; config: VeederRootConfig };

export interface CollectorFile {
  collectorKey: string;
  links: CollectorLink[];
  pipeline: { enabled: boolean; auditIntervalMs: number };
  spool?: { maxBytes?: number };
  /** Components of the OPC UA links whose password is written in plain text (`aforo collect` warns, A30-SEC-16). */
  plaintextPasswords?: string[];
}

export interface ParseCollectorFileOptions {
  dataDir: string;
  /**
   * AFORO_ENCRYPTION_KEY for `"password": { "encrypted": "aforo:v1:…" }` (A30-SEC-16); called only
   * when the file holds an encrypted password, so a file without one needs no key.
   */
  encryptionKey?: () => string;
}

export class CollectorConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`configuración del colector inválida:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "CollectorConfigError";
  }
}

/**
 * Validates a collector file; every problem is listed as `ruta: mensaje`. `dataDir` supplies
 * the default OPC UA PKI folder (`<dataDir>/opcua-pki/<collectorKey>`); `encryptionKey` opens
 * encrypted OPC UA passwords (a wrong key is an error naming the link, never a wrong password).
 */
export function parseCollectorFile(raw: unknown, options: ParseCollectorFileOptions): CollectorFile {
  const file = fileSchema.safeParse(raw);
  if (!file.success) throw new CollectorConfigError(file.error.issues.map((i) => `${i.path.join(".") || "(raíz)"}: ${i.message}`));
  const issues: string[] = [];
  const links: CollectorLink[] = [];
  const plaintextPasswords: string[] = [];
  // The key is resolved once, on first use, and shared by every link.
  let key: string | undefined;
  const encryptionKey = options.encryptionKey ? () => (key ??= options.encryptionKey!()) : undefined;
  file.data.links.forEach((rawLink, index) => {
    const at = `links.${index}`;
    const { installationKey, component, ...driverConfig } = rawLink;
    const identity = identitySchema.safeParse({ installationKey, component });
    if (!identity.success) {
      for (const issue of identity.error.issues) issues.push(`${at}.${issue.path.join(".")}: ${issue.message}`);
      return;
    }
    const kind = driverConfig.kind;
    const defaultComponent = `CANAL:${file.data.collectorKey}-${index + 1}`;
    if (kind === "opcua") {
      const linkName = identity.data.component ?? defaultComponent;
      const parsed = parseOpcuaConnection({ pkiDir: path.join(options.dataDir, "opcua-pki", file.data.collectorKey), ...driverConfig }, { encryptionKey, linkName });
      if (!parsed.ok) issues.push(...parsed.errors.map((e) => `${at}.${e}`));
      else {
        links.push({ kind, installationKey: identity.data.installationKey, component: linkName, config: parsed.config });
        const auth = driverConfig.auth as { password?: unknown } | undefined;
        if (typeof auth?.password === "string") plaintextPasswords.push(linkName);
      }
    } else if (kind === "modbus") {
      try {
        links.push({ kind, installationKey: identity.data.installationKey, component: identity.data.component ?? defaultComponent, config: parseModbusConfig(driverConfig) });
      } catch (error) {
        if (error instanceof ModbusConfigError) issues.push(...error.message.split("\n").filter((l) => l.trim()).map((l) => `${at}: ${l.trim()}`));
        else throw error;
      }
    } else if (kind === "veeder-root") {
      const parsed = parseVeederRootConfig(driverConfig);
      if (!parsed.ok) issues.push(...parsed.issues.map((e) => `${at}.${e}`));
      else links.push({ kind, installationKey: identity.data.installationKey, component: identity.data.component ?? defaultComponent, config: parsed.config });
    } else {
      issues.push(`${at}.kind: se espera "opcua", "modbus" o "veeder-root" (recibido ${JSON.stringify(kind)})`);
    }
  });
  if (issues.length > 0) throw new CollectorConfigError(issues);
  return { collectorKey: file.data.collectorKey, links, pipeline: file.data.pipeline, spool: file.data.spool, plaintextPasswords };
}

/** Every tag a link produces (what the collector registers and reads). */
export function linkTags(link: CollectorLink): string[] {
  switch (link.kind) {
    case "opcua":
      return link.config.tags.map((t) => t.tag);
    case "modbus":
      return link.config.devices.flatMap((d) => d.pollGroups.flatMap((g) => g.items.map((i) => i.tag)));
    case "veeder-root":
      return link.config.tanks.flatMap((tank) => tankVariables(tank).map((v) => `${tank.tagPrefix}/${v}`));
  }
}
