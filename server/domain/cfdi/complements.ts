import type { ComplementCategory } from "./types";

/**
 * Known CFDI complement namespaces (SAT), so imported documents say what they carry. The fuel
 * ones matter for the volumetric control (A30 30.4.3): estado de cuenta de combustibles, consumo
 * de combustibles and the hydrocarbon expense/income complements; Carta Porte documents transport.
 */
export const KNOWN_COMPLEMENTS: Record<string, { name: string; category: ComplementCategory; fuelRelated: boolean }> = {
  "http://www.sat.gob.mx/TimbreFiscalDigital": { name: "Timbre fiscal digital", category: "timbre", fuelRelated: false },
  "http://www.sat.gob.mx/Pagos": { name: "Recepción de pagos 1.0", category: "pagos", fuelRelated: false },
  "http://www.sat.gob.mx/Pagos20": { name: "Recepción de pagos 2.0", category: "pagos", fuelRelated: false },
  "http://www.sat.gob.mx/implocal": { name: "Impuestos locales", category: "impuestos", fuelRelated: false },
  "http://www.sat.gob.mx/ecc": { name: "Estado de cuenta de combustibles (ecc)", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/EstadoDeCuentaCombustible": { name: "Estado de cuenta de combustibles 1.1", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/EstadoDeCuentaCombustible12": { name: "Estado de cuenta de combustibles 1.2", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/consumodecombustibles": { name: "Consumo de combustibles 1.0", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/ConsumoDeCombustibles11": { name: "Consumo de combustibles 1.1", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/GastosHidrocarburos10": { name: "Gastos de hidrocarburos 1.0", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/IngresosHidrocarburos10": { name: "Ingresos de hidrocarburos 1.0", category: "combustibles", fuelRelated: true },
  "http://www.sat.gob.mx/CartaPorte": { name: "Carta Porte 1.0", category: "transporte", fuelRelated: false },
  "http://www.sat.gob.mx/CartaPorte20": { name: "Carta Porte 2.0", category: "transporte", fuelRelated: false },
  "http://www.sat.gob.mx/CartaPorte30": { name: "Carta Porte 3.0", category: "transporte", fuelRelated: false },
  "http://www.sat.gob.mx/CartaPorte31": { name: "Carta Porte 3.1", category: "transporte", fuelRelated: false },
  "http://www.sat.gob.mx/ComercioExterior11": { name: "Comercio exterior 1.1", category: "comercio_exterior", fuelRelated: false },
  "http://www.sat.gob.mx/ComercioExterior20": { name: "Comercio exterior 2.0", category: "comercio_exterior", fuelRelated: false },
  "http://www.sat.gob.mx/nomina12": { name: "Nómina 1.2", category: "nomina", fuelRelated: false },
  "http://www.sat.gob.mx/leyendasFiscales": { name: "Leyendas fiscales", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/divisas": { name: "Divisas", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/donat": { name: "Donatarias", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/ine": { name: "INE", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/iedu": { name: "Instituciones educativas privadas", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/terceros": { name: "Por cuenta de terceros", category: "otro", fuelRelated: false },
  "http://www.sat.gob.mx/detallista": { name: "Detallista", category: "otro", fuelRelated: false },
};

/**
 * ClaveProdServ classes of hydrocarbons and petroleum products (UNSPSC-based SAT catalogue):
 * 151015xx petróleo y destilados (gasolinas, diésel, turbosina, combustóleo…) and 151115xx
 * combustibles gaseosos (gas LP, gas natural…). A hint for A30-CFDI-01, not a catalogue check.
 */
export function isHydrocarbonClave(claveProdServ: string): boolean {
  return /^15(1015|1115)\d{2}$/.test(claveProdServ.trim());
}
