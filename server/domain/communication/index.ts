export * from "./link-monitor";
