export * from "./catalogue";
export * from "./cut-schedule";
