import type { Database } from "../db/client";
import type { Logger } from "../server/platform/logger";
import { linkTags, type CollectorFile, type CollectorLink } from "./config";

/**
 * Registration of a collector process's links and tags (A30-MS-13): at start-up each link is
 * upserted into `collectors` (one row per endpoint) and each tag it reads into `tags` with its
 * `collector_id` and protocol address, so the server knows which link owns which tag. Derived
 * tank tags (gross/net volume, VCF, computed by the pipeline) are owned by the link that reads
 * the tank's level.
 *
 * Secrets never reach the row: `config` keeps the protocol details without passwords or keys.
 * Existing tag rows keep their element type, unit and installation (the site configuration may
 * know better); only their owner and address are updated. Tags whose element is not in the
 * database (no tank, dispenser, hose, duct or well with that key in the installation) are
 * registered as element type `ucc` (diagnostics of the control unit: UPS, emergency stop…).
 */

/** `collectors.key` of a link: its component without the `CANAL:` prefix when it is a valid key, else `<collectorKey>-<n>`. */
export function linkRegistryKey(file: Pick<CollectorFile, "collectorKey">, link: CollectorLink, index: number): string {
  const bare = link.component.replace(/^CANAL:/, "");
  if (KEY.test(bare)) return bare;
  const fallback = `${file.collectorKey.replace(/[^0-9A-Za-z-]/g, "-")}-${index + 1}`.replace(/-+/g, "-").replace(/^-|-$/g, "");
  return fallback;
}

const KEY = /^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$/;

const DB_KIND: Record<CollectorLink["kind"], "opcua" | "modbus" | "veeder_root"> = { opcua: "opcua", modbus: "modbus", "veeder-root": "veeder_root" };

interface LinkRow {
  key: string;
  kind: "opcua" | "modbus" | "veeder_root";
  endpoint: string;
  config: Record<string, unknown>;
  securityMode: "None" | "Sign" | "SignAndEncrypt" | "TLS" | "unsecured";
  securityReason: string | null;
  tags: Array<{ name: string; sourceAddress: string | null }>;
}

/** What one link registers (pure). */
export function describeLink(file: CollectorFile, link: CollectorLink, index: number): LinkRow {
  const key = linkRegistryKey(file, link, index);
  const owner = { collectorKey: file.collectorKey, component: link.component };
  switch (link.kind) {
    case "opcua": {
      const c = link.config;
      return {
        key,
        kind: "opcua",
        endpoint: c.endpointUrl,
        config: { ...owner, securityPolicy: c.securityPolicy, subscription: c.subscription, auth: c.auth?.kind ?? "anonymous", tags: c.tags.length },
        securityMode: c.securityMode,
        securityReason: c.securityMode === "None" ? (c.securityNoneReason ?? "sin cifrado") : null,
        tags: c.tags.map((t) => ({ name: t.tag, sourceAddress: t.nodeId })),
      };
    }
    case "modbus": {
      const devices = link.config.devices;
      return {
        key,
        kind: "modbus",
        endpoint: devices.map((d) => `modbus+tcp://${d.host}:${d.port}/${d.unitId}`).join(" "),
        config: { ...owner, devices: devices.map((d) => ({ key: d.key, host: d.host, port: d.port, unitId: d.unitId, pollIntervalsMs: d.pollGroups.map((g) => g.intervalMs) })) },
        securityMode: "unsecured",
        securityReason: "Modbus TCP no ofrece cifrado (limitación tecnológica)",
        tags: devices.flatMap((d) => d.pollGroups.flatMap((g) => g.items.map((i) => ({ name: i.tag, sourceAddress: `${i.table}:${i.address}:${i.type}` })))),
      };
    }
    case "veeder-root": {
      const c = link.config;
      return {
        key,
        kind: "veeder_root",
        endpoint: `tcp://${c.host}:${c.port}`,
        config: { ...owner, pollIntervalMs: c.pollIntervalMs, tanks: c.tanks.map((t) => ({ tankNumber: t.tankNumber, tagPrefix: t.tagPrefix })) },
        securityMode: "unsecured",
        securityReason: "protocolo de consola Veeder-Root (TLS-3xx/4xx) sin cifrado (limitación tecnológica)",
        tags: linkTags(link).map((name) => {
          const tank = c.tanks.find((t) => name.startsWith(`${t.tagPrefix}/`));
          return { name, sourceAddress: tank ? `i201:${String(tank.tankNumber).padStart(2, "0")}:${name.slice(tank.tagPrefix.length + 1)}` : null };
        }),
      };
    }
  }
}

const UNIT_BY_SUFFIX: Array<[RegExp, string]> = [
  [/_l_min$/, "L/min"],
  [/_kg_m3$/, "kg/m3"],
  [/_mm$/, "mm"],
  [/_c$/, "°C"],
  [/_kpa$/, "kPa"],
  [/_pct$/, "%"],
  [/_l$/, "L"],
];

export function unitOfVariable(variable: string): string {
  for (const [pattern, unit] of UNIT_BY_SUFFIX) if (pattern.test(variable)) return unit;
  return "1";
}

const DERIVED = ["gross_volume_l", "net_volume_l", "vcf"] as const;

export interface RegistrationResult {
  links: Array<{ key: string; id: number; tags: number }>;
  /** Tag names not of the form `<installation>/<element>/<variable>`: not registered. */
  skippedTags: string[];
}

/** Upserts every link and tag of the file in one transaction. */
export async function registerCollectorLinks(db: Pick<Database, "transaction">, file: CollectorFile, logger?: Logger): Promise<RegistrationResult> {
  return db.transaction(async (tx) => {
    const result: RegistrationResult = { links: [], skippedTags: [] };
    const installations = new Map(
      (await tx.query<{ id: number; key: string }>("select id, key from installations")).map((row) => [row.key, Number(row.id)]),
    );
    const elements = new Map<string, string>();
    const elementRows = await tx.query<{ installation_id: number; key: string; type: string }>(
      `select installation_id, key, 'tank' as type from tanks
       union all select installation_id, key, 'dispenser' from dispensers
       union all select d.installation_id, h.key, 'hose' from hoses h join dispensers d on d.id = h.dispenser_id
       union all select installation_id, key, 'duct' from ducts
       union all select installation_id, key, 'well' from wells`,
    );
    for (const row of elementRows) elements.set(`${Number(row.installation_id)}/${row.key}`, row.type);
    for (const [index, link] of file.links.entries()) {
      const installationId = installations.get(link.installationKey);
      if (installationId === undefined) {
        logger?.error({ link: link.component, installationKey: link.installationKey }, "registro del enlace omitido: la instalación no existe en la base de datos");
        continue;
      }
      const row = describeLink(file, link, index);
      const [saved] = await tx.query<{ id: number }>(
        `insert into collectors (key, kind, installation_id, endpoint, config, security_mode, security_reason, enabled)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, true)
         on conflict (key) do update set kind = excluded.kind, installation_id = excluded.installation_id, endpoint = excluded.endpoint,
           config = excluded.config, security_mode = excluded.security_mode, security_reason = excluded.security_reason, enabled = true
         returning id`,
        [row.key, row.kind, installationId, row.endpoint, JSON.stringify(row.config), row.securityMode, row.securityReason],
      );
      const collectorId = Number(saved!.id);
      const tagRows = [...row.tags];
      // The pipeline's derived tags belong to the link that reads the tank's level.
      for (const tag of row.tags) {
        if (!tag.name.endsWith("/level_mm")) continue;
        const prefix = tag.name.slice(0, -"level_mm".length);
        for (const variable of DERIVED) tagRows.push({ name: `${prefix}${variable}`, sourceAddress: null });
      }
      let registered = 0;
      for (const tag of tagRows) {
        const parts = tag.name.split("/");
        if (parts.length !== 3 || parts.some((p) => p.length === 0)) {
          result.skippedTags.push(tag.name);
          continue;
        }
        const [installationKey, elementKey, variable] = parts as [string, string, string];
        const tagInstallation = installations.get(installationKey) ?? installationId;
        const elementType = elements.get(`${tagInstallation}/${elementKey}`) ?? "ucc";
        await tx.query(
          `insert into tags (name, installation_id, element_type, element_key, variable, unit, collector_id, source_address)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (name) do update set collector_id = excluded.collector_id,
             source_address = coalesce(excluded.source_address, tags.source_address)`,
          [tag.name, tagInstallation, elementType, elementKey, variable, unitOfVariable(variable), collectorId, tag.sourceAddress],
        );
        registered += 1;
      }
      result.links.push({ key: row.key, id: collectorId, tags: registered });
    }
    if (result.skippedTags.length > 0) logger?.warn({ tags: result.skippedTags.slice(0, 20), count: result.skippedTags.length }, "etiquetas sin la forma <instalación>/<elemento>/<variable>: no se registran");
    return result;
  });
}
