/**
 * Communication-link state machine (A30-MS-15, A30-DIAG-02, A30-ALM-01 types 5/7/9, A30-ALM-05).
 * Fed with a link's status changes, it decides what the record must show — it writes nothing.
 *
 *   (unknown) ──connected──▶ up ──disconnected──▶ down ──connected──▶ up
 *        │                                         ▲
 *        └───────────disconnected──────────────────┘
 *
 * - entering `down` decides `outage-start` (bitácora "error de comunicación" + alarm) with the
 *   moment the link was lost;
 * - leaving `down` decides `outage-end` with start, end and duration (bitácora entry, the alarm is
 *   cleared, and a "Reanudación de operaciones" record, A30-ALM-05);
 * - repeated `down` reports (retries) and `connecting` decide nothing.
 */
export type LinkState = "unknown" | "up" | "down";

export interface LinkMonitorState {
  state: LinkState;
  /** Start of the current outage (state `down`). */
  outageStart: Date | null;
  outageReason: string | null;
}

export type LinkStatusInput = { state: "connected" | "disconnected" | "connecting" | "idle" | "stopped"; since: Date; detail: string | null };

export type LinkDecision =
  | { kind: "none" }
  | { kind: "outage-start"; start: Date; reason: string }
  | { kind: "outage-end"; start: Date; end: Date; durationS: number; reason: string };

export const INITIAL_LINK_STATE: LinkMonitorState = { state: "unknown", outageStart: null, outageReason: null };

export function nextLinkState(current: LinkMonitorState, status: LinkStatusInput): { state: LinkMonitorState; decision: LinkDecision } {
  if (status.state === "disconnected") {
    if (current.state === "down") return { state: current, decision: { kind: "none" } };
    const reason = status.detail ?? "sin respuesta del dispositivo";
    return {
      state: { state: "down", outageStart: status.since, outageReason: reason },
      decision: { kind: "outage-start", start: status.since, reason },
    };
  }
  if (status.state === "connected") {
    if (current.state === "down" && current.outageStart) {
      const durationS = Math.max(0, Math.round((status.since.getTime() - current.outageStart.getTime()) / 1000));
      return {
        state: { state: "up", outageStart: null, outageReason: null },
        decision: { kind: "outage-end", start: current.outageStart, end: status.since, durationS, reason: current.outageReason ?? "" },
      };
    }
    return { state: { state: "up", outageStart: null, outageReason: null }, decision: { kind: "none" } };
  }
  return { state: current, decision: { kind: "none" } };
}

/** "1 h 02 min 05 s" — durations in bitácora descriptions. */
export function formatDurationEs(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min ${String(s).padStart(2, "0")} s`;
  if (m > 0) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}
