export * from "./process-tamper-attempts";
export * from "./verify-integrity";
export * from "./foreign-sessions";
export * from "./consult";
export * from "./inputs";
export * from "./jobs";
