/**
 * Results as values for the measurement domain (aesthetics §5 conventions 1 and 6): functions
 * whose inputs can be invalid return `{ ok: false, error }` instead of throwing, so callers (the
 * collector pipeline, the CLI, services) decide how to record or report the problem.
 */
export type Result<T, E = MeasurementError> = { ok: true; value: T } | { ok: false; error: E };

/**
 * A measurement error: a stable machine code plus a message in Spanish (es-MX) that says what is
 * wrong and what to do about it.
 */
export interface MeasurementError {
  code: MeasurementErrorCode;
  message: string;
}

export type MeasurementErrorCode =
  | "invalid_input"
  /** Not all the values needed have arrived yet (e.g. right after start-up). */
  | "missing_input"
  | "unknown_product"
  | "reference_condition_mismatch"
  | "invalid_strapping_table"
  | "level_out_of_table"
  | "no_strapping_table_version"
  | "bad_quality_input"
  | "temperature_out_of_range"
  | "pressure_out_of_range"
  | "density_out_of_range"
  | "alpha_out_of_range"
  | "not_converged"
  | "not_implemented"
  | "product_not_liquid";

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: MeasurementErrorCode, message: string): { ok: false; error: MeasurementError } {
  return { ok: false, error: { code, message } };
}
