import { describe, expect, it } from "vitest";
import type { CollectorLink } from "../../../collectors/config";
import type { AtgDelivery } from "../../../collectors/drivers/veeder-root/index";
import { toCollectorDelivery } from "../../../collectors/runtime";

describe("onDelivery payload of the collector runtime (A30-REC-01, A30-MS-18)", () => {
  const delivery: AtgDelivery = {
    key: "1@2611251030",
    source: { kind: "veeder-root-tls", driver: "veeder-root:127.0.0.1:10001", host: "127.0.0.1", port: 10001 },
    tankNumber: 1,
    tagPrefix: "EDS-0001/TQS-EDS-0001",
    productCode: "1",
    startTime: new Date("2026-11-25T16:30:00Z"),
    endTime: new Date("2026-11-25T16:52:00Z"),
    units: "metric",
    startStamp: "2611251030",
    endStamp: "2611251052",
    startVolumeL: 12000.5,
    startTcVolumeL: 11950.1,
    startWaterMm: 12,
    startTemperatureC: 21.4,
    endVolumeL: 32010.2,
    endTcVolumeL: 31880.7,
    endWaterMm: 12,
    endTemperatureC: 20.9,
    startHeightMm: 800,
    endHeightMm: 1850,
    raw: "01100261125103026112510524...",
  };
  const link = { kind: "veeder-root", installationKey: "EDS-0001", component: "CANAL:TLS-EDS-0001", config: {} } as unknown as CollectorLink;

  it("carries the tank key, start/end time, gross and net volumes, temperatures and the raw report text", () => {
    const out = toCollectorDelivery(delivery, link, "COL-EDS-0001");
    expect(out).toMatchObject({
      installationKey: "EDS-0001",
      tankKey: "TQS-EDS-0001",
      collectorKey: "COL-EDS-0001",
      component: "CANAL:TLS-EDS-0001",
      key: "1@2611251030",
      startTime: delivery.startTime,
      endTime: delivery.endTime,
      startVolumeL: 12000.5,
      endVolumeL: 32010.2,
      startTcVolumeL: 11950.1,
      endTcVolumeL: 31880.7,
      startTemperatureC: 21.4,
      endTemperatureC: 20.9,
      raw: delivery.raw,
    });
  });

  it("a tag prefix without installation falls back to the link's installation", () => {
    const out = toCollectorDelivery({ ...delivery, tagPrefix: "TQS-EDS-0009" }, link, "C");
    expect([out.installationKey, out.tankKey]).toEqual(["EDS-0001", "TQS-EDS-0009"]);
  });
});
