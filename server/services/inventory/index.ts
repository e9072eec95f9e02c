export * from "./daily-cut";
export * from "./read-inventory";
export * from "./process-losses";
