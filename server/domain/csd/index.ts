export * from "./certificate";
export * from "./cms";
export * from "./status";
export * from "./validate";
