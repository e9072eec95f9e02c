export * from "./hash-chain";
export * from "./event-types";
