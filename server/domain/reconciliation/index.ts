export * from "./decimal";
export * from "./periods";
export * from "./rules";
export * from "./scenario";
