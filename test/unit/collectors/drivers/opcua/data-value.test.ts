import { DataType, DataValue, StatusCodes, Variant } from "node-opcua";
import { describe, expect, it } from "vitest";
import { dataValueToReading, qualityFromStatusCode, resolveNodeId } from "../../../../../collectors/drivers/opcua/data-value";
import { QUALITY_BAD, QUALITY_GOOD, QUALITY_UNCERTAIN, readingSchema } from "../../../../../server/contracts/measurement";

const RECEIVED = new Date("2026-11-01T12:00:05.000Z");

describe("OPC UA DataValue → Reading", () => {
  it("maps the status-code severity to quality 0/1/2", () => {
    expect(qualityFromStatusCode(StatusCodes.Good.value)).toBe(QUALITY_GOOD);
    expect(qualityFromStatusCode(StatusCodes.UncertainInitialValue.value)).toBe(QUALITY_UNCERTAIN);
    expect(qualityFromStatusCode(StatusCodes.UncertainLastUsableValue.value)).toBe(QUALITY_UNCERTAIN);
    expect(qualityFromStatusCode(StatusCodes.BadCommunicationError.value)).toBe(QUALITY_BAD);
    expect(qualityFromStatusCode(StatusCodes.BadNodeIdUnknown.value)).toBe(QUALITY_BAD);
    expect(qualityFromStatusCode(0xc0000000)).toBe(QUALITY_BAD);
  });

  it("uses the sourceTimestamp, else the serverTimestamp, else the reception time", () => {
    const source = new Date("2026-11-01T12:00:00.250Z");
    const server = new Date("2026-11-01T12:00:01.000Z");
    const value = new Variant({ dataType: DataType.Double, value: 1234.5 });
    const both = new DataValue({ value, sourceTimestamp: source, serverTimestamp: server, statusCode: StatusCodes.Good });
    const serverOnly = new DataValue({ value, serverTimestamp: server, statusCode: StatusCodes.Good });
    const none = new DataValue({ value, statusCode: StatusCodes.Good });
    expect(dataValueToReading("EDS-0001/TQS-EDS-0001/level_mm", both, 0, RECEIVED)).toEqual({
      tag: "EDS-0001/TQS-EDS-0001/level_mm",
      time: source,
      value: 1234.5,
      quality: QUALITY_GOOD,
    });
    expect(dataValueToReading("t", serverOnly, 0, RECEIVED).time).toEqual(server);
    expect(dataValueToReading("t", none, 0, RECEIVED).time).toEqual(RECEIVED);
    expect(readingSchema.safeParse(dataValueToReading("t", both, 0, RECEIVED)).success).toBe(true);
  });

  it("reports a non-numeric value as BAD with the fallback value", () => {
    const nullValue = new DataValue({ value: new Variant({ dataType: DataType.Null }), statusCode: StatusCodes.UncertainInitialValue });
    expect(dataValueToReading("t", nullValue, 17.5, RECEIVED)).toMatchObject({ value: 17.5, quality: QUALITY_BAD });
    const text = new DataValue({ value: new Variant({ dataType: DataType.String, value: "x" }), statusCode: StatusCodes.Good });
    expect(dataValueToReading("t", text, 3, RECEIVED)).toMatchObject({ value: 3, quality: QUALITY_BAD });
    const flag = new DataValue({ value: new Variant({ dataType: DataType.Boolean, value: true }), statusCode: StatusCodes.Good });
    expect(dataValueToReading("t", flag, 0, RECEIVED)).toMatchObject({ value: 1, quality: QUALITY_GOOD });
    const bad = new DataValue({ value: new Variant({ dataType: DataType.Double, value: 5 }), statusCode: StatusCodes.BadSensorFailure });
    expect(dataValueToReading("t", bad, 0, RECEIVED)).toMatchObject({ value: 5, quality: QUALITY_BAD });
  });
});

describe("resolveNodeId", () => {
  const namespaces = ["http://opcfoundation.org/UA/", "urn:vm:NodeOPCUA-Server", "urn:aforo:demo-site"];
  it("turns nsu= into ns=<index> and leaves other NodeIds alone", () => {
    expect(resolveNodeId("nsu=urn:aforo:demo-site;s=EDS-0001/TQS-EDS-0001/level_mm", namespaces)).toBe("ns=2;s=EDS-0001/TQS-EDS-0001/level_mm");
    expect(resolveNodeId("ns=3;s=x", namespaces)).toBe("ns=3;s=x");
    expect(resolveNodeId("i=2258", namespaces)).toBe("i=2258");
  });
  it("returns null for a namespace the server does not have", () => {
    expect(resolveNodeId("nsu=urn:otro;s=x", namespaces)).toBeNull();
  });
});
