export * from "./access-events";
export * from "./reconciliation-options";
export * from "./settings";
export { cutScheduleKey, loadCutSchedules, readEffectiveSetting } from "./store";
