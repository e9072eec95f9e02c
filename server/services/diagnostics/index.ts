export * from "./run-diagnostics";
export * from "./lifecycle";
export * from "./self-test";
export * from "./read-status";
