import type { DashboardTankVariable } from "./site";

/** What the live dashboard shows (A30-ACC-07): installations, their tanks and latest readings. */
export interface LatestValue {
  value: number;
  time: string;
  quality: number;
}

export interface TankView {
  key: string;
  description: string;
  productKey: string;
  productName: string;
  subProductKey: string | null;
  subProductName: string | null;
  /** Reference temperature of the net volume (A30-MS-08): 20 petrolíferos, 15.56 hidrocarburos. */
  referenceTemperatureC: number | null;
  capacityTotalL: number;
  capacityOperatingL: number | null;
  heightMm: number | null;
  latest: Partial<Record<DashboardTankVariable, LatestValue>>;
  tags: Partial<Record<DashboardTankVariable, string>>;
  /** Alarms of the tank or its measurement systems that need attention (A30-ACC-07: visible from the dashboard). */
  activeAlarms: TankAlarmsView;
}

export interface TankAlarmsView {
  count: number;
  /** Description of the most recent one. */
  latest: string | null;
}

export interface InstallationView {
  key: string;
  description: string;
  type: string;
  timeZone: string;
  tanks: TankView[];
}

export const INSTALLATION_TYPE_LABELS: Record<string, string> = {
  service_station: "Estación de servicio",
  storage_terminal: "Terminal de almacenamiento",
  pipeline: "Ducto",
  process_station: "Estación de proceso",
  distribution: "Distribución",
  refinery: "Refinería",
  marketer: "Comercializador",
};
