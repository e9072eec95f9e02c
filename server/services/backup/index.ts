export * from "./create-backup";
