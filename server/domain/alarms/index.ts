export * from "./alarm-types";
export * from "./state";
export * from "./unattended-faults";
export * from "./grouping";
