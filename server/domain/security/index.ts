export * from "./password-policy";
export * from "./login-throttle";
export * from "./session-state";
export * from "./rate-limit";
