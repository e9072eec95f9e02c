export * from "./pedimento";
