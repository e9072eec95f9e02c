import { describe, expect, it } from "vitest";
import { groupAlarmFloods, type GroupableAlarm } from "../../../../../server/domain/alarms/index";

const at = (minutes: number, seconds = 0) => new Date(Date.UTC(2026, 10, 1, 16, minutes, seconds));
const rejected = (id: number, time: Date, username = "operador"): GroupableAlarm => ({ id, type: 10, component: "UCC", time, details: { username, ip: "10.0.0.5" } });

describe("A30-ALM-07 flood grouping for display", () => {
  it("A30-ALM-07: 5 rejected log-ins for the same user within 15 min → one row ×5 keeping every record", () => {
    const alarms = [1, 2, 3, 4, 5].map((id) => rejected(id, at(id)));
    const groups = groupAlarmFloods(alarms);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.count).toBe(5);
    expect(groups[0]!.latest.id).toBe(5);
    expect(groups[0]!.alarms.map((a) => a.id)).toEqual([5, 4, 3, 2, 1]);
  });

  it("A30-ALM-07: other users, other components and alarms 15 min after the group's first start new rows", () => {
    const alarms: GroupableAlarm[] = [
      rejected(1, at(0)),
      rejected(2, at(14, 59)),
      rejected(3, at(15)), // 15 min after #1: new group
      rejected(4, at(1), "admin"),
      { id: 5, type: 5, component: "CANAL:COL-1", time: at(2) },
      { id: 6, type: 5, component: "CANAL:COL-2", time: at(3) },
      { id: 7, type: 5, component: "CANAL:COL-1", time: at(4) },
    ];
    const groups = groupAlarmFloods(alarms);
    const summary = groups.map((g) => [g.latest.id, g.count]);
    expect(summary).toEqual([
      [3, 1],
      [2, 2],
      [7, 2],
      [6, 1],
      [4, 1],
    ]);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(alarms.length);
  });
});
