/**
 * The Aforo domain schema (drizzle-orm, PostgreSQL). One file per subject; this index re-exports
 * every table and vocabulary (named exports only). Data dictionary: db/README.md.
 */
export * from "./enums";
export * from "./catalogs";
export * from "./taxpayers";
export * from "./installations";
export * from "./tanks";
export * from "./ducts";
export * from "./wells";
export * from "./dispensers";
export * from "./measurement-systems";
export * from "./collectors";
export * from "./measurements";
export * from "./tank-readings";
export * from "./quality";
export * from "./operations";
export * from "./inventory";
export * from "./event-log";
export * from "./alarms";
export * from "./record-sequences";
export * from "./tamper-attempts";
export * from "./users";
export * from "./cfdi";
export * from "./pedimentos";
export * from "./certificates";
export * from "./reports";
export * from "./documents";
export * from "./compliance";
export * from "./diagnostics";
export * from "./settings";
