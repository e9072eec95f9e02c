export * from "./crude";
export * from "./fuels";
export * from "./dictamen";
