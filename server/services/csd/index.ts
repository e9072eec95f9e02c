export * from "./certificates";
export * from "./upload";
