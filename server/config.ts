import { z } from "zod";

/**
 * The process configuration: environment variables of design.md §3, parsed once at the
 * composition root. Empty strings count as unset; every bad key is reported at once.
 */

const emptyAsUndefined = (value: unknown): unknown => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const flag = z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("0")).transform((v) => v === "1");

export const configSchema = z
  .object({
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "debe ser una URL postgres://usuario:clave@host:puerto/base")
        .optional(),
    ),
    AFORO_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
    AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "al menos 32 caracteres").optional()),
    AFORO_ENCRYPTION_KEY: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, "64 dígitos hexadecimales (clave AES-256)")
        .optional(),
    ),
    // A30-SEC-09: session expiry after at most 10 minutes idle.
    AFORO_IDLE_TIMEOUT_S: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(1).max(600, "a lo más 600 s (Anexo 30, 30.6.2 VI: 10 minutos de inactividad)").default(600),
    ),
    /** Issue #5 item 10: log-in attempts and API requests per client address per minute. */
    AFORO_RATE_LIMIT_LOGIN_PER_MIN: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(60)),
    AFORO_RATE_LIMIT_API_PER_MIN: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1200)),
    AFORO_DEMO: flag,
    /**
     * A30-SEC-12 / A30-CSD-06: environment mode, shown in every screen. `production` refuses SAT
     * test certificates and demo data; default `demo` with AFORO_DEMO=1, else `production`.
     */
    AFORO_ENV: z.preprocess(emptyAsUndefined, z.enum(["production", "test", "demo"], { error: "production, test o demo" }).optional()),
    /** Issue #6 item 14: cut periods of simulated history on a fresh demo database (unset: the previous full month and the current month to date). */
    AFORO_DEMO_HISTORY_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(62).optional()),
    AFORO_TLS_CERT: optionalString,
    AFORO_TLS_KEY: optionalString,
    /** Port of the demo site's OPC UA simulator (demo mode only). */
    AFORO_SIM_OPCUA_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(4840)),
    /** Ports of the demo's Modbus TCP simulator and Veeder-Root TLS console (demo mode only). */
    AFORO_SIM_MODBUS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(5020)),
    AFORO_SIM_TLS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(10001)),
    /** Raw measurement retention in days (rollups and fiscal records are kept). */
    AFORO_RAW_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(90)),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info")),
  })
  .superRefine((config, ctx) => {
    if (Boolean(config.AFORO_TLS_CERT) !== Boolean(config.AFORO_TLS_KEY)) {
      ctx.addIssue({ code: "custom", path: ["AFORO_TLS_KEY"], message: "AFORO_TLS_CERT y AFORO_TLS_KEY van juntos" });
    }
    if (config.AFORO_ENV === "production" && config.AFORO_DEMO) {
      ctx.addIssue({ code: "custom", path: ["AFORO_ENV"], message: "en modo production no hay usuarios ni datos de demostración: quite AFORO_DEMO=1 o use AFORO_ENV=demo (A30-SEC-12)" });
    }
  })
  .transform((config) => ({ ...config, AFORO_ENV: config.AFORO_ENV ?? (config.AFORO_DEMO ? ("demo" as const) : ("production" as const)) }));

export type Config = z.infer<typeof configSchema>;

/** The names of every variable the server reads (docker-compose and README are checked against it). */
export const CONFIG_KEYS = Object.keys(configSchema.in.shape) as (keyof Config)[];

/** Spanish label of the environment mode (A30-SEC-12), shown in every screen. */
export const ENVIRONMENT_LABELS: Record<Config["AFORO_ENV"], string> = { production: "Producción", test: "Pruebas", demo: "Demostración" };

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Configuración inválida:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(entorno)"}=${JSON.stringify(env[String(issue.path[0])] ?? "")}: ${issue.message}`),
    );
  }
  return result.data;
}
