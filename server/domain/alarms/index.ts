export * from "./alarm-types";
