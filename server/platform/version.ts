import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The product version from package.json (shown by /api/health and recorded in the bitácora). */
export const AFORO_VERSION: string = (
  JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../package.json"), "utf8")) as { version: string }
).version;
