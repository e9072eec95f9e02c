/**
 * Veeder-Root TLS console driver (issue #3): function 201 inventory → tank readings, function 202
 * deliveries → `onDelivery` (reception records, issue #4). Public surface of the folder.
 */
export { createVeederRootDriver, deliveryKey } from "./veeder-root-driver";
export type {
  AtgDelivery,
  VeederRootDriver,
  VeederRootDriverOptions,
  VeederRootDriverStats,
  VeederRootOutage,
} from "./veeder-root-driver";
export {
  parseVeederRootConfig,
  veederRootConfigSchema,
  veederRootTags,
  VEEDER_ROOT_TANK_VARIABLES,
} from "./config";
export type { VeederRootConfig, VeederRootConfigInput, VeederRootTankConfig, VeederRootTankVariable } from "./config";
export type { ConsoleUnits } from "./parse";
