import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/** Structured JSON logs (one line per event) with a named child per subsystem. */
export function createLogger(level: string, name = "aforo"): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
