import { z } from "zod";

/**
 * Thresholds of the self-diagnosis (A30-DIAG-01/02), validated at the boundary. Defaults keep
 * communication-loss detection within 60 s with a 15 s job period (A30-DIAG-02: configurable,
 * at most 300 s).
 */
export const diagnosticsThresholdsSchema = z
  .object({
    /** Job period. */
    runEveryS: z.number().int().min(1).max(60).default(15),
    /** A measurement system with no good reading for longer than this is in fault (type 5). */
    staleAfterS: z.number().int().min(5).max(300).default(30),
    /** Window of the per-tag aggregate (freshness, error rate and frozen value). */
    sampleWindowS: z.number().int().min(30).max(3600).default(300),
    /** Frozen value: this many good samples in the window, all exactly identical (raw sensor noise gone). */
    frozenMinSamples: z.number().int().min(5).max(100_000).default(30),
    /** Variables the frozen check applies to (a real gauge always shows noise on these). */
    frozenVariables: z.array(z.string().min(1)).default(["level_mm", "temperature_c"]),
    /** Plausible range of temperature readings (°C). */
    temperatureMinC: z.number().default(-30),
    temperatureMaxC: z.number().default(70),
    /** Calibration about to expire: warning this many days before. */
    calibrationWarningDays: z.number().int().min(0).max(365).default(30),
    /** A collector whose last batch is older than this is unreachable (type 7). */
    channelHeartbeatS: z.number().int().min(5).max(300).default(60),
    /** Spool backlog: data delivered this late (batch received − its last reading) is a fault (type 7). */
    spoolLagMaxS: z.number().int().min(10).max(86_400).default(300),
    /** Share of bad-quality readings in the window above which a channel is in fault (type 5). */
    errorRateMax: z.number().min(0).max(1).default(0.2),
    errorRateMinSamples: z.number().int().min(1).default(10),
    /** Free space of the data volume below this percentage → type 6 (A30-DIAG-02). */
    diskMinFreePct: z.number().min(0).max(100).default(5),
    /** |database clock − process clock| above this is a fault (bitácora only). */
    clockSkewMaxS: z.number().min(0.1).max(3600).default(5),
    /** Last backup older than this is a fault (bitácora only). */
    backupMaxAgeH: z.number().min(1).max(24 * 365).default(168),
    /** Channels/collectors not heard of for this long and not configured are dropped from the list. */
    forgetUnconfiguredAfterH: z.number().min(1).default(24),
    /** Guided self-test (A30-DIAG-04): maximum wait for detection before the test fails. */
    selfTestTimeoutS: z.number().int().min(30).max(600).default(120),
  })
  .refine((t) => t.temperatureMinC < t.temperatureMaxC, { error: "temperatureMinC debe ser menor que temperatureMaxC" })
  .refine((t) => t.staleAfterS + t.runEveryS <= 300, { error: "staleAfterS + runEveryS no puede exceder 300 s (A30-DIAG-02)" })
  .refine((t) => t.staleAfterS < t.sampleWindowS, { error: "staleAfterS debe ser menor que sampleWindowS" });

export type DiagnosticsThresholds = z.output<typeof diagnosticsThresholdsSchema>;
export type DiagnosticsThresholdsInput = z.input<typeof diagnosticsThresholdsSchema>;

export const DEFAULT_THRESHOLDS: DiagnosticsThresholds = diagnosticsThresholdsSchema.parse({});

/** Parses user/configuration input; throws an Error with a readable Spanish message. */
export function parseThresholds(input: unknown): DiagnosticsThresholds {
  const result = diagnosticsThresholdsSchema.safeParse(input ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join(".") || "umbrales"}: ${i.message}`).join("; ");
    throw new Error(`Umbrales de autodiagnóstico inválidos: ${detail}`);
  }
  return result.data;
}
