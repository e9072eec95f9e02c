import type { SqlExecutor } from "../../../db/client";
import { COMPONENT_CLASS_LABELS, type CheckState, type ComponentClass } from "../../domain/diagnostics/index";
import { readComponentStatus } from "./gather";
import { listSelfTests, type SelfTest } from "./self-test";

/** What GET /api/diagnostics and the /diagnostico page show (A30-DIAG-01). */
export interface DiagnosticsComponentView {
  component: string;
  componentClass: ComponentClass;
  classLabel: string;
  state: CheckState;
  stateLabel: "OK" | "fallo" | "sin datos";
  reason: string;
  warnings: string[];
  since: string;
  checkedAt: string;
}

export interface DiagnosticsView {
  components: DiagnosticsComponentView[];
  classes: { componentClass: ComponentClass; label: string; total: number; faults: number }[];
  selfTests: (Omit<SelfTest, "startedAt" | "deadline" | "finishedAt"> & { startedAt: string; deadline: string; finishedAt: string | null })[];
}

const CLASSES: ComponentClass[] = ["measurement_system", "channel", "ucc"];
const STATE_LABEL = { ok: "OK", fault: "fallo", unknown: "sin datos" } as const;

export async function getDiagnosticsView(db: SqlExecutor): Promise<DiagnosticsView> {
  const stored = await readComponentStatus(db);
  const components = stored
    .filter((s): s is typeof s & { componentClass: ComponentClass } => (CLASSES as string[]).includes(s.componentClass))
    .map((s) => ({
      component: s.component,
      componentClass: s.componentClass,
      classLabel: COMPONENT_CLASS_LABELS[s.componentClass],
      state: s.state,
      stateLabel: STATE_LABEL[s.state],
      reason: typeof s.detail?.reason === "string" ? s.detail.reason : "",
      warnings: Array.isArray(s.detail?.warnings) ? (s.detail.warnings as string[]) : [],
      since: s.since.toISOString(),
      checkedAt: s.checkedAt.toISOString(),
    }));
  const tests = await listSelfTests(db, 10);
  return {
    components,
    classes: CLASSES.map((c) => ({
      componentClass: c,
      label: COMPONENT_CLASS_LABELS[c],
      total: components.filter((x) => x.componentClass === c).length,
      faults: components.filter((x) => x.componentClass === c && x.state === "fault").length,
    })),
    selfTests: tests.map((t) => ({ ...t, startedAt: t.startedAt.toISOString(), deadline: t.deadline.toISOString(), finishedAt: t.finishedAt?.toISOString() ?? null })),
  };
}
