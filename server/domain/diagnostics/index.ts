export * from "./types";
export * from "./thresholds";
export * from "./dates";
export * from "./measurement-checks";
export * from "./channel-checks";
export * from "./ucc-checks";
export * from "./plan";
