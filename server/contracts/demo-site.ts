import { siteSchema, type Site } from "./site";

/**
 * The demo taxpayer and its two installations (issue #2): service station EDS-0001 (3 tanks,
 * 4 dispensers × 2 hoses) and storage terminal TDA-0001 (6 tanks, inlet and outlet ducts).
 *
 * Keys follow SAT's patterns (Diario.schema.json): the storage terminal is `TDA-0001` because
 * `TAR` is not an installation prefix SAT accepts, and its tanks are `TQS-TDA-000N` (the Anexo 30
 * example key). Taxpayer RFC EKU9003173C9 is SAT's public test RFC, whose test CSD is in the
 * fixtures.
 */
const horizontal = (diameterMm: number, lengthMm: number) => ({ kind: "horizontal-cylinder" as const, diameterMm, lengthMm });
const vertical = (diameterMm: number, heightMm: number) => ({ kind: "vertical-cylinder" as const, diameterMm, heightMm });

const MAGNA = { productKey: "PR07", subProductKey: "SP16", density15KgM3: 735.0 };
const PREMIUM = { productKey: "PR07", subProductKey: "SP17", density15KgM3: 745.0 };
const DIESEL = { productKey: "PR03", subProductKey: "SP24", density15KgM3: 835.0 };

export const DEMO_SITE: Site = siteSchema.parse({
  taxpayer: {
    rfc: "EKU9003173C9",
    name: "ESCUELA KEMPER URGATE SA DE CV",
    legalRepresentativeRfc: "GOMA800101AB1",
    providerRfcs: ["AFO260101AB1"],
    character: "permisionario",
  },
  opcua: { port: 4840, namespaceUri: "urn:aforo:demo-site" },
  installations: [
    {
      key: "EDS-0001",
      description: "E.S. ubicada en Av. México 3000, conformada por 3 tanques y 4 dispensarios",
      type: "service_station",
      permitModality: "PER2",
      permitNumber: "PL/12345/EXP/ES/2026",
      latitude: 19.4326,
      longitude: -99.1332,
      timeZone: "America/Mexico_City",
      cutHour: "00:00",
      tanks: [
        { key: "TQS-EDS-0001", description: "Tanque de gasolina Magna (regular)", ...MAGNA, geometry: horizontal(2900, 9100), fondajeFraction: 0.05, operatingMaxFraction: 0.95, measurementSystemKey: "SME-STQ-EDS-0001", initialFillFraction: 0.62, calibrationValidUntil: "2027-06-30" },
        { key: "TQS-EDS-0002", description: "Tanque de gasolina Premium", ...PREMIUM, geometry: horizontal(2500, 8200), fondajeFraction: 0.05, operatingMaxFraction: 0.95, measurementSystemKey: "SME-STQ-EDS-0002", initialFillFraction: 0.48, calibrationValidUntil: "2027-06-30" },
        { key: "TQS-EDS-0003", description: "Tanque de Diésel", ...DIESEL, geometry: horizontal(2900, 9100), fondajeFraction: 0.05, operatingMaxFraction: 0.95, measurementSystemKey: "SME-STQ-EDS-0003", initialFillFraction: 0.55, calibrationValidUntil: "2027-06-30" },
      ],
      dispensers: [1, 2, 3, 4].map((n) => {
        const disp = `DISP-000${n}`;
        return {
          key: disp,
          measurementSystemKey: `SMD-${disp}`,
          // Each dispenser serves gasoline on hose 1 and Premium (odd) or Diésel (even) on hose 2.
          hoses: [
            { key: `${disp}-MGA-0001`, tankKey: "TQS-EDS-0001" },
            { key: `${disp}-MGA-0002`, tankKey: n % 2 === 1 ? "TQS-EDS-0002" : "TQS-EDS-0003" },
          ],
        };
      }),
      ducts: [],
    },
    {
      key: "TDA-0001",
      description: "Terminal de almacenamiento y reparto con 6 tanques verticales",
      type: "storage_terminal",
      permitModality: "PER11",
      permitNumber: "PL/23456/ALM/2026",
      latitude: 19.5436,
      longitude: -99.1942,
      timeZone: "America/Mexico_City",
      cutHour: "00:00",
      tanks: [
        { key: "TQS-TDA-0001", description: "Tanque vertical de gasolina Magna 1", ...MAGNA, geometry: vertical(18000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0001", initialFillFraction: 0.7, calibrationValidUntil: "2027-12-31" },
        { key: "TQS-TDA-0002", description: "Tanque vertical de gasolina Magna 2", ...MAGNA, geometry: vertical(18000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0002", initialFillFraction: 0.35, calibrationValidUntil: "2027-12-31" },
        { key: "TQS-TDA-0003", description: "Tanque vertical de gasolina Premium 1", ...PREMIUM, geometry: vertical(15000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0003", initialFillFraction: 0.6, calibrationValidUntil: "2027-12-31" },
        { key: "TQS-TDA-0004", description: "Tanque vertical de gasolina Premium 2", ...PREMIUM, geometry: vertical(15000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0004", initialFillFraction: 0.45, calibrationValidUntil: "2027-12-31" },
        { key: "TQS-TDA-0005", description: "Tanque vertical de Diésel 1", ...DIESEL, geometry: vertical(18000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0005", initialFillFraction: 0.66, calibrationValidUntil: "2027-12-31" },
        { key: "TQS-TDA-0006", description: "Tanque vertical de Diésel 2", ...DIESEL, geometry: vertical(18000, 14000), fondajeFraction: 0.04, operatingMaxFraction: 0.92, measurementSystemKey: "SME-STQ-TDA-0006", initialFillFraction: 0.28, calibrationValidUntil: "2027-12-31" },
      ],
      dispensers: [],
      ducts: [
        { key: "DUC-TRA-0001", description: "Ducto de recepción desde el sistema de transporte por ducto", diameterIn: 12, direction: "inlet", measurementSystemKey: "SMD-DUC-TRA-0001", productKey: "PR07" },
        { key: "DUC-CAR-0001", description: "Ducto de carga de autotanques en llenaderas", diameterIn: 6, direction: "outlet", measurementSystemKey: "SMD-DUC-CAR-0001", productKey: "PR07" },
      ],
    },
  ],
});
