import { z } from "zod";
import { isValidTimeZone } from "./console-time";

/**
 * Configuration of one Veeder-Root TLS console link (A30-MS-13: the communication link of the
 * tank measurement systems it serves). The console is reached over TCP, either its own
 * Ethernet/serial-over-IP port or an RS-232 device server; 10001 is the TLS-350/TLS-4xx default.
 *
 * `units` must match how the console is programmed (metric: L, mm, °C; us: gal, in, °F); the
 * computer-format reports carry bare numbers, so a wrong setting cannot be detected from the wire.
 */

/** Variables read per tank from function 201, in litres / millimetres / °C. */
export const VEEDER_ROOT_TANK_VARIABLES = [
  "level_mm",
  "temperature_c",
  "water_level_mm",
  "volume_l",
  "tc_volume_l",
  "ullage_l",
  "water_volume_l",
] as const;
const tankSchema = z.strictObject({
  /** TLS tank number (TT), 1–99 (consoles have up to 16 or 32 tanks). */
  tankNumber: z.number().int().min(1, "número de tanque entre 1 y 99").max(99, "número de tanque entre 1 y 99"),
  /** `<installationKey>/<tankKey>`; readings are `<tagPrefix>/<variable>` (see VEEDER_ROOT_TANK_VARIABLES). */
  tagPrefix: z
    .string()
    .regex(/^[^/\s]+\/[^/\s]+$/, "debe ser «<instalación>/<tanque>», p. ej. «EDS-0001/TQS-EDS-0001»")
    .max(150, "a lo más 150 caracteres"),
  /**
   * Variables to publish for this tank (default: all). A site whose level/temperature already
   * come from another link publishes only the console's own volumes, so no tag has two sources.
   */
  variables: z.array(z.enum(VEEDER_ROOT_TANK_VARIABLES)).min(1, "al menos una variable").optional(),
});

export const veederRootConfigSchema = z
  .strictObject({
    kind: z.literal("veeder-root"),
    /** Name in logs and status; default `veeder-root:<host>:<port>`. */
    name: z.string().min(1).optional(),
    host: z.string().min(1, "indique el host de la consola"),
    port: z.number().int().min(1, "puerto entre 1 y 65535").max(65535, "puerto entre 1 y 65535").default(10001),
    /** Period of the in-tank inventory poll (function 201). */
    pollIntervalMs: z.number().int().min(100, "al menos 100 ms"),
    /** Longest wait for one complete response (SOH…ETX). */
    timeoutMs: z.number().int().min(50, "al menos 50 ms"),
    units: z.enum(["metric", "us"], { error: "«metric» (L, mm, °C) o «us» (gal, in, °F)" }),
    /** RS-232 security code programmed on the console (Serial Interface Manual §5.0), if any. */
    securityCode: z
      .string()
      .regex(/^[\x20-\x7e]{6}$/, "6 caracteres ASCII imprimibles")
      .optional(),
    /** Period of the delivery-report poll (function 202). Absent: ten inventory periods, at least 30 s. */
    deliveryPollIntervalMs: z.number().int().min(100, "al menos 100 ms").optional(),
    /** Consecutive failed polls before the link is reported disconnected (A30-MS-15). Absent: 3. */
    failuresBeforeDisconnect: z.number().int().min(1, "al menos 1").max(100, "a lo más 100").optional(),
    /** IANA zone of the console's clock (its reports carry local YYMMDDHHmm). Absent: America/Mexico_City. */
    timeZone: z
      .string()
      .refine((zone) => isValidTimeZone(zone), "zona horaria IANA desconocida")
      .optional(),
    /** Cap of the reconnection backoff. Absent: 10 s. */
    maxBackoffMs: z.number().int().min(10, "al menos 10 ms").optional(),
    tanks: z.array(tankSchema).min(1, "configure al menos un tanque"),
  })
  .superRefine((config, ctx) => {
    const numbers = new Set<number>();
    const prefixes = new Set<string>();
    config.tanks.forEach((tank, index) => {
      if (numbers.has(tank.tankNumber)) {
        ctx.addIssue({ code: "custom", path: ["tanks", index, "tankNumber"], message: `tanque ${tank.tankNumber} repetido` });
      }
      if (prefixes.has(tank.tagPrefix)) {
        ctx.addIssue({ code: "custom", path: ["tanks", index, "tagPrefix"], message: `prefijo «${tank.tagPrefix}» repetido` });
      }
      numbers.add(tank.tankNumber);
      prefixes.add(tank.tagPrefix);
    });
    if (config.timeoutMs >= config.pollIntervalMs * 10) {
      ctx.addIssue({ code: "custom", path: ["timeoutMs"], message: "el tiempo de espera debe ser menor que 10 periodos de sondeo" });
    }
  });

export type VeederRootConfig = z.infer<typeof veederRootConfigSchema>;
export type VeederRootConfigInput = z.input<typeof veederRootConfigSchema>;
export type VeederRootTankConfig = VeederRootConfig["tanks"][number];

export type VeederRootConfigParse = { ok: true; config: VeederRootConfig } | { ok: false; issues: string[] };

/** Parses a link configuration and lists every bad key as `ruta: mensaje` (es-MX). */
export function parseVeederRootConfig(input: unknown): VeederRootConfigParse {
  const result = veederRootConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(raíz)"}: ${issue.message}`),
  };
}

export type VeederRootTankVariable = (typeof VEEDER_ROOT_TANK_VARIABLES)[number];

/** Every tag a configuration produces (`<tagPrefix>/<variable>`). */
export function veederRootTags(config: Pick<VeederRootConfig, "tanks">): string[] {
  return config.tanks.flatMap((tank) => tankVariables(tank).map((variable) => `${tank.tagPrefix}/${variable}`));
}

export const DEFAULT_FAILURES_BEFORE_DISCONNECT = 3;
export const DEFAULT_TIME_ZONE = "America/Mexico_City";
export const DEFAULT_MAX_BACKOFF_MS = 10_000;

/** Delivery-report period when not configured: ten inventory periods, at least 30 s. */
export function effectiveDeliveryPollIntervalMs(config: Pick<VeederRootConfig, "pollIntervalMs" | "deliveryPollIntervalMs">): number {
  return config.deliveryPollIntervalMs ?? Math.max(30_000, config.pollIntervalMs * 10);
}

/** The variables a configured tank publishes. */
export function tankVariables(tank: { variables?: readonly VeederRootTankVariable[] }): readonly VeederRootTankVariable[] {
  return tank.variables ?? VEEDER_ROOT_TANK_VARIABLES;
}
