import { describe, expect, it } from "vitest";
import { notificationPayloads, NOTIFY_PAYLOAD_LIMIT_BYTES } from "../../../../collectors/sink/measurement-sink";
import { measurementNotificationSchema, type Reading } from "../../../../server/contracts/measurement";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");

describe("measurement NOTIFY payloads", () => {
  it("carry the latest reading of each tag", () => {
    const batch: Reading[] = [
      { tag: "A/T/level_mm", time: new Date(T0 + 1000), value: 2, quality: 0 },
      { tag: "A/T/level_mm", time: new Date(T0), value: 1, quality: 0 },
      { tag: "A/T/temperature_c", time: new Date(T0), value: 20.5, quality: 1 },
      { tag: "A/T/level_mm", time: new Date(T0 + 500), value: 1.5, quality: 0 },
    ];
    const payloads = notificationPayloads(batch);
    expect(payloads).toEqual([
      '{"v":[["A/T/level_mm","2026-11-01T12:00:01.000Z",2,0],["A/T/temperature_c","2026-11-01T12:00:00.000Z",20.5,1]]}',
    ]);
    expect(measurementNotificationSchema.parse(JSON.parse(payloads[0]!)).v).toHaveLength(2);
  });

  it("split into payloads under the limit without losing a tag", () => {
    const batch: Reading[] = Array.from({ length: 2000 }, (_, i) => ({
      tag: `TDA-0001/TQS-TDA-${String(i).padStart(4, "0")}/densidad_ñ_kg_m3`,
      time: new Date(T0),
      value: 741.123456789 + i,
      quality: 0 as const,
    }));
    const payloads = notificationPayloads(batch);
    expect(payloads.length).toBeGreaterThan(10);
    const tags = new Set<string>();
    for (const payload of payloads) {
      expect(Buffer.byteLength(payload, "utf8")).toBeLessThan(NOTIFY_PAYLOAD_LIMIT_BYTES);
      for (const [tag] of measurementNotificationSchema.parse(JSON.parse(payload)).v) tags.add(tag);
    }
    expect(tags.size).toBe(2000);
  });

  it("are empty for an empty batch", () => {
    expect(notificationPayloads([])).toEqual([]);
  });
});
