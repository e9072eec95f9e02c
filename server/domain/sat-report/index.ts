export * from "./schema-loader";
export * from "./schema-rules";
export * from "./report-rules";
export * from "./file-name";
export * from "./package";
