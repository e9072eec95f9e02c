import { describe, expect, it } from "vitest";
import { INITIAL_LINK_STATE, formatDurationEs, nextLinkState, type LinkMonitorState, type LinkStatusInput } from "../../../../../server/domain/communication/index";

const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 10, 0, 0) + s * 1000);
function run(events: LinkStatusInput[]) {
  let state: LinkMonitorState = INITIAL_LINK_STATE;
  return events.map((e) => {
    const next = nextLinkState(state, e);
    state = next.state;
    return next.decision;
  });
}

describe("communication link monitor (A30-MS-15, A30-ALM-05)", () => {
  it("one outage-start when the link drops, none for retries, one outage-end with the duration", () => {
    const decisions = run([
      { state: "connecting", since: at(0), detail: null },
      { state: "connected", since: at(1), detail: null },
      { state: "disconnected", since: at(10), detail: "conexión perdida" },
      { state: "connecting", since: at(12), detail: null },
      { state: "disconnected", since: at(14), detail: "ECONNREFUSED" },
      { state: "connected", since: at(100), detail: null },
    ]);
    expect(decisions.map((d) => d.kind)).toEqual(["none", "none", "outage-start", "none", "none", "outage-end"]);
    expect(decisions[2]).toEqual({ kind: "outage-start", start: at(10), reason: "conexión perdida" });
    expect(decisions[5]).toEqual({ kind: "outage-end", start: at(10), end: at(100), durationS: 90, reason: "conexión perdida" });
  });

  it("a device that is down from the start is an outage too", () => {
    const decisions = run([
      { state: "connecting", since: at(0), detail: null },
      { state: "disconnected", since: at(5), detail: null },
      { state: "connected", since: at(35), detail: null },
    ]);
    expect(decisions.map((d) => d.kind)).toEqual(["none", "outage-start", "outage-end"]);
    expect(decisions[1]).toMatchObject({ reason: "sin respuesta del dispositivo" });
  });

  it("formats durations in Spanish", () => {
    expect(formatDurationEs(90)).toBe("1 min 30 s");
    expect(formatDurationEs(3725)).toBe("1 h 02 min 05 s");
    expect(formatDurationEs(7)).toBe("7 s");
  });
});
