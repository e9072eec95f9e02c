import { readFileSync } from "node:fs";
import { z } from "zod";
import { reconcileScenario, scenarioOutput, scenarioSchema } from "../domain/reconciliation/index";
import type { Command } from "./commands";
import { CliUsageError, EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/**
 * `aforo reconcile --scenario FILE` (design.md §3, A30-INC-07): evaluates the five inconsistency
 * rules on a scenario file with no database, with the same pure rules as the daily cut service,
 * and prints `{"findings":[…],"alarms":[…]}`. Exit 1 when there is a finding, 0 otherwise, 2 for
 * an unreadable or invalid scenario (the message names the field and what is wrong).
 */
export const reconcileCommand: Command = {
  name: "reconcile",
  summary: "Aplica las cinco reglas de inconsistencia volumétrica a un escenario",
  usage: "aforo reconcile --scenario ARCHIVO.json   (formato: design.md §3 «Reconciliation scenario format»)",
  options: { scenario: { type: "string" } },
  async run(values) {
    if (typeof values.scenario !== "string" || values.scenario === "") throw new CliUsageError("falta --scenario ARCHIVO.json");
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(values.scenario, "utf8"));
    } catch (error) {
      throw new CliUsageError(`no se pudo leer el escenario ${values.scenario}: ${(error as Error).message}`);
    }
    const parsed = scenarioSchema.safeParse(raw);
    if (!parsed.success) throw new CliUsageError(`escenario inválido en ${values.scenario}:\n${z.prettifyError(parsed.error)}`);
    const result = reconcileScenario(parsed.data);
    printJson(scenarioOutput(parsed.data, result));
    return result.findings.length > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
