import { and, eq, inArray } from "drizzle-orm";
import { DERIVED_TANK_VARIABLES, TANK_VARIABLES, tagName, type DashboardTankVariable, type Site, type SiteInstallation, type SiteTank } from "../../server/contracts/site";
import { geometryHeightMm, strappingTableFromGeometry, tankCapacityL, volumeAtLevelL } from "../../server/domain/measurement/tank-geometry";
import { hashPassword } from "../../server/platform/password-hash";
import type { AforoOrm, Database } from "../client";
import {
  collectors,
  dispensers,
  ducts,
  hoses,
  installationProducts,
  installations,
  measurementSystems,
  passwordHistory,
  strappingTables,
  tags,
  tanks,
  taxpayers,
  users,
} from "../schema/index";
import { seedCatalogsWith } from "./catalogs";

/**
 * Demo data (AFORO_DEMO=1): the taxpayer, installations and equipment of a site document
 * (server/contracts/demo-site.ts), one OPC UA collector per installation with a tag per tank
 * variable, and the four demo users of design.md §3. Idempotent: every insert is
 * `on conflict do nothing` on the natural key, so a second call changes nothing (passwords are
 * hashed only for users that do not exist yet). Writes nothing to the bitácora.
 */

export interface SeedDemoOptions {
  /** Creation time stamped on the seeded rows. */
  now: Date;
}

export interface DemoUser {
  username: string;
  displayName: string;
  role: "administrador" | "supervisor" | "operador" | "auditor_fiscal";
  password: string;
}

/** design.md §3 "Demo users": seeded as already changed, so the demo opens at once. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: "admin", displayName: "Administrador", role: "administrador", password: "Aforo#Admin2026" },
  { username: "supervisor", displayName: "Supervisor", role: "supervisor", password: "Aforo#Super2026" },
  { username: "operador", displayName: "Operador", role: "operador", password: "Aforo#Oper2026" },
  { username: "auditor", displayName: "Auditor Fiscal", role: "auditor_fiscal", password: "Aforo#Audit2026" },
];

/** Strapping table version 1 of every demo tank is valid from this local date. */
const STRAPPING_VALID_FROM = "2026-01-01";
const STRAPPING_STEP_MM = 10;

const TAG_UNITS: Record<DashboardTankVariable, string> = {
  level_mm: "mm",
  temperature_c: "°C",
  water_level_mm: "mm",
  density_kg_m3: "kg/m3",
  gross_volume_l: "L",
  net_volume_l: "L",
  vcf: "1",
};

/** Regla 2.6.1.2 fraction by installation type (the site document does not carry one). */
const FRACTION_BY_TYPE: Record<SiteInstallation["type"], "II" | "IV" | "V" | "VI" | "VII"> = {
  service_station: "VI",
  storage_terminal: "V",
  pipeline: "IV",
  process_station: "II",
  distribution: "VII",
  refinery: "II",
};

export async function seedDemo(db: Pick<Database, "transaction">, site: Site, options: SeedDemoOptions): Promise<void> {
  const { now } = options;
  await db.transaction(async (tx) => {
    const orm = tx.orm;
    await seedCatalogsWith(orm);
    const taxpayerId = await seedTaxpayer(orm, site, now);
    for (const installation of site.installations) {
      await seedInstallation(orm, site, taxpayerId, installation, now);
    }
    const existing = await orm
      .select({ username: users.username })
      .from(users)
      .where(inArray(users.username, DEMO_USERS.map((u) => u.username)));
    const existingNames = new Set(existing.map((row) => row.username));
    for (const user of DEMO_USERS) {
      if (existingNames.has(user.username)) continue;
      // Hashed only for users that do not exist yet (a fresh salt would otherwise change the row).
      const hash = await hashPassword(user.password);
      const inserted = await orm
        .insert(users)
        .values({
          username: user.username,
          displayName: user.displayName,
          role: user.role,
          passwordHash: hash,
          mustChangePassword: false,
          passwordChangedAt: now,
          active: true,
          createdAt: now,
        })
        .onConflictDoNothing({ target: users.username })
        .returning({ id: users.id });
      // A30-SEC-05: the first password starts the history.
      if (inserted[0]) await orm.insert(passwordHistory).values({ userId: inserted[0].id, passwordHash: hash, createdAt: now });
    }
  });
}

async function seedTaxpayer(orm: AforoOrm, site: Site, now: Date): Promise<number> {
  const first = site.installations[0];
  await orm
    .insert(taxpayers)
    .values({
      rfc: site.taxpayer.rfc,
      name: site.taxpayer.name,
      legalRepresentativeRfc: site.taxpayer.legalRepresentativeRfc,
      providerRfcs: site.taxpayer.providerRfcs,
      character: site.taxpayer.character,
      activityFraction: first ? FRACTION_BY_TYPE[first.type] : null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: taxpayers.rfc });
  const [row] = await orm.select({ id: taxpayers.id }).from(taxpayers).where(eq(taxpayers.rfc, site.taxpayer.rfc));
  if (!row) throw new Error(`no se pudo registrar el contribuyente ${site.taxpayer.rfc}`);
  return row.id;
}

async function seedInstallation(orm: AforoOrm, site: Site, taxpayerId: number, installation: SiteInstallation, now: Date): Promise<void> {
  await orm
    .insert(installations)
    .values({
      taxpayerId,
      key: installation.key,
      description: installation.description,
      type: installation.type,
      permitModality: installation.permitModality,
      permitNumber: installation.permitNumber,
      latitude: installation.latitude,
      longitude: installation.longitude,
      timeZone: installation.timeZone,
      cutHour: installation.cutHour,
      status: "active",
      createdAt: now,
    })
    .onConflictDoNothing({ target: installations.key });
  const [inst] = await orm.select({ id: installations.id }).from(installations).where(eq(installations.key, installation.key));
  if (!inst) throw new Error(`no se pudo registrar la instalación ${installation.key}`);
  const installationId = inst.id;

  // A30-GEN-04: the products the installation handles.
  const productPairs = new Map<string, { productKey: string; subProductKey: string | null }>();
  for (const tank of installation.tanks) productPairs.set(`${tank.productKey}/${tank.subProductKey ?? ""}`, { productKey: tank.productKey, subProductKey: tank.subProductKey ?? null });
  for (const duct of installation.ducts) {
    const hasProduct = [...productPairs.values()].some((pair) => pair.productKey === duct.productKey);
    if (!hasProduct) productPairs.set(`${duct.productKey}/`, { productKey: duct.productKey, subProductKey: null });
  }
  if (productPairs.size > 0) {
    await orm
      .insert(installationProducts)
      .values([...productPairs.values()].map((pair) => ({ installationId, ...pair })))
      .onConflictDoNothing();
  }

  // A30-MS-13: one OPC UA link per installation to the site simulator.
  const collectorKey = `OPCUA-${installation.key}`;
  await orm
    .insert(collectors)
    .values({
      key: collectorKey,
      kind: "opcua",
      installationId,
      endpoint: `opc.tcp://127.0.0.1:${site.opcua.port}`,
      config: { namespaceUri: site.opcua.namespaceUri, publishingIntervalMs: 1000, samplingIntervalMs: 1000 },
      // A30-MS-14: the demo simulator listens on loopback only; a real site uses SignAndEncrypt.
      securityMode: "None",
      securityReason: "simulador de demostración en 127.0.0.1 (sin red): sin cifrado",
      enabled: true,
      createdAt: now,
    })
    .onConflictDoNothing({ target: collectors.key });
  const [collector] = await orm.select({ id: collectors.id }).from(collectors).where(eq(collectors.key, collectorKey));
  const collectorId = collector?.id ?? null;

  const defaultCalibration = installation.tanks.map((tank) => tank.calibrationValidUntil).sort()[0] ?? isoDate(addYears(now, 1));
  const tankIds = new Map<string, number>();
  const tankProducts = new Map<string, { productKey: string; subProductKey: string | null }>();
  for (const tank of installation.tanks) {
    const tankId = await seedTank(orm, installationId, installation, tank, now);
    tankIds.set(tank.key, tankId);
    tankProducts.set(tank.key, { productKey: tank.productKey, subProductKey: tank.subProductKey ?? null });
    await insertMeasurementSystem(orm, {
      installationId,
      key: tank.measurementSystemKey,
      kind: "static",
      elementType: "tank",
      tankId,
      // A30-MS-11: magnetostrictive probes at service stations, radar gauges at terminals.
      technology: installation.type === "service_station" ? "magnetostrictive" : "radar",
      description: `Sistema de medición estática del tanque ${tank.key}`,
      calibrationValidUntil: tank.calibrationValidUntil,
      calibrationCertificate: `CAL-${tank.measurementSystemKey}`,
      calibrationLaboratory: "Laboratorio de calibración (demostración)",
      uncertaintyPct: installation.type === "service_station" ? "0.500" : "0.300",
      primaryElement: {
        make: "Simulador Aforo",
        model: installation.type === "service_station" ? "Sonda magnetoestrictiva" : "Radar de onda guiada",
        serial: `PE-${tank.key}`,
      },
      secondaryElements: [{ make: "Simulador Aforo", model: "RTD multipunto", serial: `SE-${tank.key}`, variable: "temperatura" }],
      tertiaryElement: { make: "Simulador Aforo", model: "Consola de tanques", serial: `TE-${installation.key}` },
      collectorId,
      status: "O",
      createdAt: now,
    });
  }

  for (const dispenser of installation.dispensers) {
    await orm
      .insert(dispensers)
      .values({ installationId, key: dispenser.key, description: `Dispensario ${dispenser.key}`, status: "O", createdAt: now })
      .onConflictDoNothing({ target: [dispensers.installationId, dispensers.key] });
    const [row] = await orm
      .select({ id: dispensers.id })
      .from(dispensers)
      .where(and(eq(dispensers.installationId, installationId), eq(dispensers.key, dispenser.key)));
    if (!row) throw new Error(`no se pudo registrar el dispensario ${dispenser.key}`);
    await insertMeasurementSystem(orm, {
      installationId,
      key: dispenser.measurementSystemKey,
      kind: "dynamic",
      elementType: "dispenser",
      dispenserId: row.id,
      // A30-MS-11 / NOM-005: gasoline and diesel dispensers use positive-displacement meters.
      technology: "positive_displacement",
      description: `Medidores del dispensario ${dispenser.key}`,
      calibrationValidUntil: defaultCalibration,
      calibrationCertificate: `CAL-${dispenser.measurementSystemKey}`,
      calibrationLaboratory: "Laboratorio de calibración (demostración)",
      uncertaintyPct: "0.300",
      primaryElement: { make: "Simulador Aforo", model: "Medidor de desplazamiento positivo", serial: `PE-${dispenser.key}` },
      tertiaryElement: { make: "Simulador Aforo", model: "Controlador de dispensarios", serial: `TE-${dispenser.key}` },
      collectorId,
      status: "O",
      createdAt: now,
    });
    for (const hose of dispenser.hoses) {
      const tankId = tankIds.get(hose.tankKey);
      const product = tankProducts.get(hose.tankKey);
      if (tankId === undefined || !product) throw new Error(`la manguera ${hose.key} apunta al tanque desconocido ${hose.tankKey}`);
      await orm
        .insert(hoses)
        .values({ dispenserId: row.id, key: hose.key, productKey: product.productKey, subProductKey: product.subProductKey, tankId, status: "O", createdAt: now })
        .onConflictDoNothing({ target: [hoses.dispenserId, hoses.key] });
    }
  }

  for (const duct of installation.ducts) {
    await orm
      .insert(ducts)
      .values({
        installationId,
        key: duct.key,
        description: duct.description,
        diameterIn: duct.diameterIn.toFixed(3),
        direction: duct.direction,
        productKey: duct.productKey,
        status: "O",
        createdAt: now,
      })
      .onConflictDoNothing({ target: [ducts.installationId, ducts.key] });
    const [row] = await orm
      .select({ id: ducts.id })
      .from(ducts)
      .where(and(eq(ducts.installationId, installationId), eq(ducts.key, duct.key)));
    if (!row) throw new Error(`no se pudo registrar el ducto ${duct.key}`);
    const inlet = duct.direction === "inlet";
    await insertMeasurementSystem(orm, {
      installationId,
      key: duct.measurementSystemKey,
      kind: "dynamic",
      elementType: "duct",
      ductId: row.id,
      // Custody transfer from the pipeline by turbine; truck loading by Coriolis.
      technology: inlet ? "turbine" : "coriolis",
      description: `Sistema de medición dinámica del ducto ${duct.key}`,
      calibrationValidUntil: defaultCalibration,
      calibrationCertificate: `CAL-${duct.measurementSystemKey}`,
      calibrationLaboratory: "Laboratorio de calibración (demostración)",
      uncertaintyPct: inlet ? "0.250" : "0.150",
      primaryElement: { make: "Simulador Aforo", model: inlet ? "Medidor de turbina" : "Medidor Coriolis", serial: `PE-${duct.key}` },
      secondaryElements: [
        { make: "Simulador Aforo", model: "RTD", serial: `TT-${duct.key}`, variable: "temperatura" },
        { make: "Simulador Aforo", model: "Transmisor de presión", serial: `PT-${duct.key}`, variable: "presión" },
      ],
      tertiaryElement: { make: "Simulador Aforo", model: "Computador de flujo", serial: `FC-${duct.key}` },
      collectorId,
      status: "O",
      createdAt: now,
    });
  }

  // One tag per tank variable, addressed by namespace URI (`nsu=<uri>;s=<tag>`): the namespace
  // index a server assigns may change between servers and versions, its URI does not.
  const tagRows = installation.tanks.flatMap((tank) =>
    TANK_VARIABLES.map((variable) => {
      const name = tagName(installation.key, tank.key, variable);
      return {
        name,
        installationId,
        elementType: "tank" as const,
        elementKey: tank.key,
        variable,
        unit: TAG_UNITS[variable],
        collectorId,
        sourceAddress: `nsu=${site.opcua.namespaceUri};s=${name}`,
        createdAt: now,
      };
    }),
  );
  // Derived variables (A30-MS-18): computed by the collector's measurement pipeline, no source address.
  const derivedRows = installation.tanks.flatMap((tank) =>
    DERIVED_TANK_VARIABLES.map((variable) => ({
      name: tagName(installation.key, tank.key, variable),
      installationId,
      elementType: "tank" as const,
      elementKey: tank.key,
      variable,
      unit: TAG_UNITS[variable],
      collectorId,
      sourceAddress: null,
      createdAt: now,
    })),
  );
  // An installation without tanks (a pipeline of ducts only) has no tank tags.
  const tagValues = [...tagRows, ...derivedRows];
  if (tagValues.length > 0) await orm.insert(tags).values(tagValues).onConflictDoNothing({ target: tags.name });
}

/**
 * Capacities (A30-MS-03, SAT Diario definitions) from the geometry and the operating fractions of
 * the shell height: total = full shell; fondaje = volume up to the fondaje level, which is also
 * the minimum operating volume; operating = volume between the fondaje level and the maximum
 * operating level (what can be extracted); useful = total − minimum operating volume.
 */
export function demoTankCapacitiesL(tank: SiteTank): { totalL: number; fondajeL: number; operatingL: number; usefulL: number } {
  const height = geometryHeightMm(tank.geometry);
  const totalL = tankCapacityL(tank.geometry);
  const fondajeL = volumeAtLevelL(tank.geometry, tank.fondajeFraction * height);
  const maxOperatingL = volumeAtLevelL(tank.geometry, tank.operatingMaxFraction * height);
  return { totalL, fondajeL, operatingL: Math.max(0, maxOperatingL - fondajeL), usefulL: totalL - fondajeL };
}

async function seedTank(orm: AforoOrm, installationId: number, installation: SiteInstallation, tank: SiteTank, now: Date): Promise<number> {
  const capacity = demoTankCapacitiesL(tank);
  await orm
    .insert(tanks)
    .values({
      installationId,
      key: tank.key,
      description: tank.description,
      productKey: tank.productKey,
      subProductKey: tank.subProductKey ?? null,
      capacityTotalL: capacity.totalL.toFixed(3),
      capacityOperatingL: capacity.operatingL.toFixed(3),
      capacityUsefulL: capacity.usefulL.toFixed(3),
      capacityFondajeL: capacity.fondajeL.toFixed(3),
      minimumOperatingVolumeL: capacity.fondajeL.toFixed(3),
      geometry: tank.geometry,
      calibrationValidUntil: tank.calibrationValidUntil,
      calibrationCertificate: `CUB-${tank.key}-2026`,
      calibrationLaboratory: "Laboratorio de calibración (demostración)",
      measurementApproach: "static",
      status: "O",
      createdAt: now,
    })
    .onConflictDoNothing({ target: [tanks.installationId, tanks.key] });
  const [row] = await orm
    .select({ id: tanks.id })
    .from(tanks)
    .where(and(eq(tanks.installationId, installationId), eq(tanks.key, tank.key)));
  if (!row) throw new Error(`no se pudo registrar el tanque ${tank.key}`);
  await orm
    .insert(strappingTables)
    .values({
      tankId: row.id,
      version: 1,
      validFrom: zonedMidnight(STRAPPING_VALID_FROM, installation.timeZone),
      certificateNumber: `CUB-${tank.key}-2026`,
      laboratory: "Laboratorio de calibración (demostración)",
      points: strappingTableFromGeometry(tank.geometry, STRAPPING_STEP_MM),
      createdAt: now,
    })
    .onConflictDoNothing({ target: [strappingTables.tankId, strappingTables.version] });
  return row.id;
}

async function insertMeasurementSystem(
  orm: AforoOrm,
  values: typeof measurementSystems.$inferInsert,
): Promise<void> {
  await orm
    .insert(measurementSystems)
    .values(values)
    .onConflictDoNothing({ target: [measurementSystems.installationId, measurementSystems.key] });
}

/** The instant of local midnight of `dateIso` in `timeZone` (fixed-offset zones such as America/Mexico_City since 2022). */
function zonedMidnight(dateIso: string, timeZone: string): Date {
  const asUtc = new Date(`${dateIso}T00:00:00Z`);
  return new Date(asUtc.getTime() - offsetMinutes(asUtc, timeZone) * 60_000);
}

function offsetMinutes(at: Date, timeZone: string): number {
  const zoneName = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  const match = zoneName ? /^GMT([+-])(\d{2}):(\d{2})$/.exec(zoneName) : null;
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

function addYears(date: Date, years: number): Date {
  const copy = new Date(date.getTime());
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
