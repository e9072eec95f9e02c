export * from "./hash-chain";
export * from "./event-types";
export * from "./integrity";
export * from "./tamper";
