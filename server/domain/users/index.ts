export * from "./accounts";
export * from "./password-rules";
