export * from "./common";
export * from "./accounts";
export * from "./access-review";
export * from "./command-line";
export * from "./receipt";
