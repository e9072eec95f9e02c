import type { DataValue } from "node-opcua";
import { QUALITY_BAD, QUALITY_GOOD, QUALITY_UNCERTAIN, type Quality, type Reading } from "../../../server/contracts/measurement";

/**
 * Pure mapping between OPC UA values and Aforo readings (no sockets, unit-testable).
 */

/**
 * Quality from a StatusCode: its two top bits are the severity (OPC UA Part 4 §7.39):
 * 00 Good, 01 Uncertain, 10 Bad (11 reserved, read as Bad).
 */
export function qualityFromStatusCode(statusCodeValue: number): Quality {
  const severity = (statusCodeValue >>> 30) & 0b11;
  if (severity === 0) return QUALITY_GOOD;
  if (severity === 1) return QUALITY_UNCERTAIN;
  return QUALITY_BAD;
}

/**
 * DataValue → Reading. Time is the sourceTimestamp (when the device measured it), else the
 * serverTimestamp, else `receivedAt`. A value that is not a finite number (null, string, NaN) is
 * reported BAD with `fallbackValue`, since the `measurements` table only holds numbers.
 */
export function dataValueToReading(tag: string, dataValue: DataValue, fallbackValue: number, receivedAt: Date): Reading {
  const time = dataValue.sourceTimestamp ?? dataValue.serverTimestamp ?? receivedAt;
  let quality = qualityFromStatusCode(dataValue.statusCode.value);
  const raw: unknown = dataValue.value?.value;
  let value: number;
  if (typeof raw === "number" && Number.isFinite(raw)) value = raw;
  else if (typeof raw === "boolean") value = raw ? 1 : 0;
  else if (typeof raw === "bigint") value = Number(raw);
  else {
    value = fallbackValue;
    quality = QUALITY_BAD;
  }
  return { tag, time: new Date(time.getTime()), value, quality };
}

/**
 * Resolves `nsu=<namespace uri>;<identifier>` against the server's NamespaceArray into
 * `ns=<index>;<identifier>`; other NodeId strings pass unchanged. Null when the URI is unknown to
 * the server.
 */
export function resolveNodeId(nodeId: string, namespaceArray: readonly string[]): string | null {
  const match = /^nsu=([^;]+);(.+)$/.exec(nodeId);
  if (!match) return nodeId;
  const [, uri, identifier] = match;
  const index = namespaceArray.indexOf(uri ?? "");
  return index < 0 ? null : `ns=${index};${identifier}`;
}
