import type { SqlExecutor } from "../../../db/client";
import type { DailySnapshotCfdi, SatCharacter, SatVolumeUnit } from "../../domain/sat-report/daily-builder";
import { AFORO_VERSION } from "../../platform/version";

/**
 * What the daily and the monthly report read alike from the stored records (A30-RPT-01/02): the
 * taxpayer and installation header, the installation's products with their latest dictamen
 * composition, the CFDI linked to the window's operations, and the bitácora of the window. One
 * set of constant, parameterised queries for both reports.
 */
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

/** SAT `Version` of the software: major.minor of package.json ("0.1.0" → "0.1"). */
export function satSoftwareVersion(version: string = AFORO_VERSION): string {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : "1.0";
}

export interface InstallationHeaderRow {
  id: number;
  key: string;
  description: string;
  type: string;
  permit_modality: string | null;
  permit_number: string | null;
  contract_or_assignment_number: string | null;
  natural_gas_storage_installation: string | null;
  latitude: number | null;
  longitude: number | null;
  time_zone: string;
  rfc: string;
  legal_representative_rfc: string | null;
  provider_rfcs: string[] | null;
  character: SatCharacter;
  tp_permit_modality: string | null;
  tp_permit_number: string | null;
  tp_contract: string | null;
}

/** The header both snapshots share: software version, taxpayer, installation. */
export function snapshotHeader(inst: InstallationHeaderRow, wellCount: number) {
  return {
    softwareVersion: satSoftwareVersion(),
    taxpayer: {
      rfc: inst.rfc,
      legalRepresentativeRfc: inst.legal_representative_rfc,
      providerRfcs: inst.provider_rfcs ?? [],
      character: inst.character,
      permitModality: inst.tp_permit_modality,
      permitNumber: inst.tp_permit_number,
      contractOrAssignmentNumber: inst.tp_contract,
    },
    installation: {
      key: inst.key,
      description: inst.description,
      type: inst.type,
      permitModality: inst.permit_modality,
      permitNumber: inst.permit_number,
      contractOrAssignmentNumber: inst.contract_or_assignment_number,
      naturalGasStorageInstallation: inst.natural_gas_storage_installation,
      latitude: numOrNull(inst.latitude),
      longitude: numOrNull(inst.longitude),
      timeZone: inst.time_zone,
      wellCount,
    },
  };
}

/** The installation's products with the composition of the latest current dictamen issued up to `upTo` (A30-TYP). */
export async function loadSnapshotProducts(db: SqlExecutor, installationId: number, upTo: string) {
  const products = await db.query<{
    product_key: string;
    sub_product_key: string | null;
    unit: SatVolumeUnit;
    brand: string | null;
    marker: string | null;
    marker_concentration: string | null;
    other_description: string | null;
  }>(
    `select ip.product_key, ip.sub_product_key, p.unit, ip.brand, ip.marker, ip.marker_concentration, ip.other_description
       from installation_products ip join products p on p.key = ip.product_key
      where ip.installation_id = $1
      order by ip.product_key, ip.sub_product_key`,
    [installationId],
  );
  const quality = await db.query<{ product_key: string; sub_product_key: string | null; octane_index: string | null; non_fossil_pct: string | null }>(
    `select distinct on (d.product_key, d.sub_product_key) d.product_key, d.sub_product_key, d.octane_index, d.non_fossil_pct
       from dictamenes d
      where d.installation_id = $1 and d.issue_date <= $2::date
        and not exists (select 1 from dictamenes s where s.supersedes_id = d.id)
      order by d.product_key, d.sub_product_key, d.issue_date desc, d.id desc`,
    [installationId, upTo],
  );
  const qualityOf = (productKey: string, subProductKey: string | null) => quality.find((q) => q.product_key === productKey && q.sub_product_key === subProductKey);
  return products.map((p) => ({
    productKey: p.product_key,
    subProductKey: p.sub_product_key,
    unit: p.unit,
    brand: p.brand,
    marker: p.marker,
    markerConcentration: numOrNull(p.marker_concentration),
    otherDescription: p.other_description,
    octane: numOrNull(qualityOf(p.product_key, p.sub_product_key)?.octane_index),
    nonFossilPct: numOrNull(qualityOf(p.product_key, p.sub_product_key)?.non_fossil_pct),
  }));
}

/**
 * CFDI linked (and not unlinked, not cancelled) to the operations ending in [from, to). Links may
 * point at any version of an operation: they are attached by the record number.
 */
export async function loadCfdisByOperationNumber(db: SqlExecutor, installationId: number, from: Date, to: Date): Promise<Map<number, DailySnapshotCfdi[]>> {
  const links = await db.query<{
    number: number;
    uuid: string;
    type: string;
    issued_at: unknown;
    total: string;
    volume_linked: string;
    unit: SatVolumeUnit;
    unit_price: string | null;
  }>(
    `select o.number, c.uuid, c.type, c.issued_at, c.total, l.volume_linked, l.unit,
            (select cc.unit_price from cfdi_concepts cc where cc.cfdi_id = c.id and cc.volume is not null order by cc.position limit 1) as unit_price
       from cfdi_operation_links l
       join cfdi c on c.id = l.cfdi_id
       join operations o on o.id = l.operation_id
      where o.installation_id = $1 and o.end_at >= $2 and o.end_at < $3
        and l.unlinked_at is null and c.status <> 'cancelado'
      order by o.number, c.issued_at, c.uuid`,
    [installationId, from, to],
  );
  const byNumber = new Map<number, DailySnapshotCfdi[]>();
  for (const l of links) {
    const list = byNumber.get(num(l.number)) ?? [];
    if (list.some((c) => c.uuid === l.uuid)) continue;
    list.push({
      uuid: l.uuid,
      type: l.type,
      issuedAt: date(l.issued_at),
      total: num(l.total),
      unitPrice: numOrNull(l.unit_price),
      volumeLinked: num(l.volume_linked),
      unit: l.unit,
    });
    byNumber.set(num(l.number), list);
  }
  return byNumber;
}

/** Bitácora entries of the installation (and the system-wide ones) in [from, to). */
export function loadBitacoraWindow(db: SqlExecutor, installationId: number, from: Date, to: Date) {
  return db.query<{ id: number; time: unknown; username: string; event_type: number; description: string; component: string | null }>(
    `select id, time, username, event_type, description, component
       from event_log
      where (installation_id = $1 or installation_id is null) and time >= $2 and time < $3
      order by id`,
    [installationId, from, to],
  );
}
