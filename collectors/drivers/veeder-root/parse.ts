import type { ConsoleDateTime } from "./console-time";

/**
 * Veeder-Root TLS serial protocol, computer format: command building, response framing,
 * validation and decoding of the in-tank inventory (function 201) and delivery (function 202)
 * reports, plus the encoders the console simulator and the test fixtures use. Pure: bytes and
 * strings in, typed results out; nothing here throws on bad input, every failure is a value.
 *
 * Sources: Veeder-Root Serial Interface Manual 576013-635 (TLS-300/350/350R); §5.0 and §6.1 read
 * the same in the TLS2 (577013-767) and TLS4/TLS-450 (577013-950) manuals, except that the
 * TLS4 can be set to another ETX character (S53100), which this driver does not support:
 *   §5.0  command: <SOH>[security code, 6 chars]<function code, 6 chars>[data]. An unknown
 *         function code is answered with <SOH>9999FF1B<ETX>.
 *   §6.1  computer-format response: <SOH><function code><data>&&<CCCC><ETX>; CCCC is four ASCII
 *         hex digits, the 16-bit two's complement of the sum of every preceding character from
 *         SOH through "&&" (parity bit cleared, overflow ignored), so sum + CCCC ≡ 0 (mod 2¹⁶).
 *   §6.3  floats: 8 ASCII hex "nibbles" of an IEEE-754 single, most significant first.
 *   §7.0  "TT" = 01…16 for one device, 00 for all; a device without valid data is filled with
 *         question marks in place of the numbers.
 *   201   <SOH>i201TTYYMMDDHHmm{TT p ssss NN FFFFFFFF×NN}…&&CCCC<ETX>, floats: volume, TC volume,
 *         ullage, height, water, temperature, water volume (7 in current firmware, NN may be more).
 *   202   <SOH>i202TTYYMMDDHHmm{TT p dd {YYMMDDHHmm YYMMDDHHmm NN FFFFFFFF×NN}×dd}…&&CCCC<ETX>,
 *         floats: starting volume, starting TC volume, starting water, starting temperature,
 *         ending volume, ending TC volume, ending water, ending temperature, starting height,
 *         ending height.
 * The 201/202 field order is that of eredden/Veeder-Root-TLS-Socket-Library (`tls_3xx.py`,
 * function_201/function_202, written against 576013-635) and of the delivery data of FieldServer
 * FS-8700-74; the TLS-4 manual's 204 shift report uses the same TT p ss NN FFFFFFFF… pattern.
 *
 * A30-MS-18: these are the raw values of the tertiary element (the ATG console); the collector
 * keeps them as received and converts units only, never recomputes volumes here.
 */

export const SOH = 0x01;
export const ETX = 0x03;

/** Units the console is programmed in: metric = litres, millimetres, °C; us = US gallons, inches, °F. */
export type ConsoleUnits = "metric" | "us";

/** Inquiry functions this driver uses. */
export type InquiryFunction = "201" | "202";

export type VeederRootParseErrorCode =
  | "missing-soh"
  | "missing-etx"
  | "unrecognised-command"
  | "missing-checksum"
  | "bad-checksum"
  | "wrong-function"
  | "truncated"
  | "bad-field";

export interface VeederRootParseError {
  code: VeederRootParseErrorCode;
  /** es-MX, for logs and the bitácora. */
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: VeederRootParseError };

/** One tank of an in-tank inventory report, in litres / millimetres / °C. null = the console sent "????????" (no valid data, §7.0). */
export interface TankInventory {
  tankNumber: number;
  /** Product code, one ASCII character (programmed per tank on the console). */
  productCode: string;
  /** Raw tank status word (4 hex digits). */
  status: number;
  /** Status bit 1 (LSB). */
  deliveryInProgress: boolean;
  /** Status bit 2. */
  leakTestInProgress: boolean;
  /** Status bit 3 (magnetostrictive probes only). */
  invalidFuelHeight: boolean;
  /** Gross observed product volume. */
  volumeL: number | null;
  /** Temperature-compensated volume at the console's reference temperature (15 °C / 60 °F per its setup). */
  tcVolumeL: number | null;
  ullageL: number | null;
  /** Product level (total liquid height). */
  heightMm: number | null;
  /** Water bottom height. */
  waterMm: number | null;
  temperatureC: number | null;
  waterVolumeL: number | null;
  /** NN as sent; fields beyond the seven known ones are ignored. */
  fieldCount: number;
}

export interface InventoryReport {
  functionCode: string;
  consoleTime: ConsoleDateTime;
  tanks: TankInventory[];
}

/** One stored delivery of a delivery report, in litres / millimetres / °C. */
export interface DeliveryRecord {
  start: ConsoleDateTime;
  end: ConsoleDateTime;
  /** `YYMMDDHHmm` exactly as sent (the console's identity for the delivery, with the tank number). */
  startStamp: string;
  endStamp: string;
  startVolumeL: number;
  startTcVolumeL: number;
  startWaterMm: number;
  startTemperatureC: number;
  endVolumeL: number;
  endTcVolumeL: number;
  endWaterMm: number;
  endTemperatureC: number;
  startHeightMm: number;
  endHeightMm: number;
  fieldCount: number;
  /** The delivery's characters exactly as received (stamps, NN, hex floats), for the record's raw values (A30-MS-18). */
  raw: string;
}

export interface TankDeliveries {
  tankNumber: number;
  productCode: string;
  deliveries: DeliveryRecord[];
}

export interface DeliveryReport {
  functionCode: string;
  consoleTime: ConsoleDateTime;
  tanks: TankDeliveries[];
}

export interface ParseOptions {
  units: ConsoleUnits;
  /** The function code the command sent (`i20100`); the response must echo it. */
  functionCode: string;
}

// ── units ───────────────────────────────────────────────────────────────────────────────────

const LITRES_PER_US_GALLON = 3.785411784;
const MILLIMETRES_PER_INCH = 25.4;

export function volumeToLitres(value: number, units: ConsoleUnits): number {
  return units === "us" ? value * LITRES_PER_US_GALLON : value;
}
export function heightToMillimetres(value: number, units: ConsoleUnits): number {
  return units === "us" ? value * MILLIMETRES_PER_INCH : value;
}
export function temperatureToCelsius(value: number, units: ConsoleUnits): number {
  return units === "us" ? ((value - 32) * 5) / 9 : value;
}
export function litresToConsole(value: number, units: ConsoleUnits): number {
  return units === "us" ? value / LITRES_PER_US_GALLON : value;
}
export function millimetresToConsole(value: number, units: ConsoleUnits): number {
  return units === "us" ? value / MILLIMETRES_PER_INCH : value;
}
export function celsiusToConsole(value: number, units: ConsoleUnits): number {
  return units === "us" ? (value * 9) / 5 + 32 : value;
}

// ── commands ────────────────────────────────────────────────────────────────────────────────

/** `i201TT` / `i202TT`: lower-case `i` = computer format (§5.0); TT 00 = every tank. */
export function inquiryFunctionCode(fn: InquiryFunction, tankNumber = 0): string {
  return `i${fn}${String(tankNumber).padStart(2, "0")}`;
}

/**
 * The bytes of an inquiry command: SOH, the optional 6-character RS-232 security code (§5.0),
 * the function code. The console needs no terminator: the function code has a fixed length.
 */
export function buildCommand(fn: InquiryFunction, tankNumber = 0, securityCode?: string): Uint8Array {
  return asciiBytes(`\u0001${securityCode ?? ""}${inquiryFunctionCode(fn, tankNumber)}`);
}

export interface ConsoleCommand {
  securityCode: string;
  functionCode: string;
}

/**
 * Console side (simulator): the next complete command in `buffer`. Bytes before SOH are skipped.
 * `consumed` counts every byte used or skipped; leave the rest for the next call.
 */
export function extractCommand(
  buffer: Uint8Array,
  securityCodeLength = 0,
): { command: ConsoleCommand | null; consumed: number } {
  const start = buffer.indexOf(SOH);
  if (start < 0) return { command: null, consumed: buffer.length };
  const needed = 1 + securityCodeLength + 6;
  if (buffer.length - start < needed) return { command: null, consumed: start };
  const text = latin1(buffer.subarray(start + 1, start + needed));
  let consumed = start + needed;
  // A trailing CR/LF some hosts append is not part of the command.
  while (consumed < buffer.length && (buffer[consumed] === 0x0d || buffer[consumed] === 0x0a)) consumed += 1;
  return {
    command: { securityCode: text.slice(0, securityCodeLength), functionCode: text.slice(securityCodeLength) },
    consumed,
  };
}

// ── framing and validation ──────────────────────────────────────────────────────────────────

export interface FrameExtraction {
  /** A complete SOH…ETX frame, or null when none is complete yet. */
  frame: Uint8Array | null;
  /** Bytes thrown away (noise before SOH, or an SOH without ETX superseded by a later one). */
  discarded: Uint8Array;
  /** What is left to keep for the next call. */
  rest: Uint8Array;
}

/**
 * Host side: cuts the first complete response out of the receive buffer. Computer-format bodies
 * are printable ASCII, so neither SOH nor ETX can occur inside a frame: the frame ending at the
 * first ETX starts at the last SOH before it, and anything earlier is line noise.
 */
export function extractFrame(buffer: Uint8Array): FrameExtraction {
  const end = buffer.indexOf(ETX);
  if (end < 0) {
    const start = buffer.indexOf(SOH);
    if (start < 0) return { frame: null, discarded: buffer, rest: buffer.subarray(buffer.length) };
    return { frame: null, discarded: buffer.subarray(0, start), rest: buffer.subarray(start) };
  }
  const start = buffer.lastIndexOf(SOH, end);
  if (start < 0) return { frame: null, discarded: buffer.subarray(0, end + 1), rest: buffer.subarray(end + 1) };
  return { frame: buffer.subarray(start, end + 1), discarded: buffer.subarray(0, start), rest: buffer.subarray(end + 1) };
}

/** §6.1: the 16-bit two's complement of the sum of `bytes` (parity bit cleared, overflow ignored). */
export function checksumOf(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + (byte & 0x7f)) & 0xffff;
  return (0x10000 - sum) & 0xffff;
}

export function formatChecksum(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, "0");
}

/** Body of a computer-format response after the echoed function code, checksum verified. */
export interface ValidatedFrame {
  functionCode: string;
  data: string;
}

/**
 * §5.0/§6.1 envelope checks, in order: SOH, ETX, the "9999" refusal, "&&" + four hex digits,
 * checksum, function-code echo.
 */
export function validateFrame(frame: Uint8Array, expectedFunctionCode: string): ParseResult<ValidatedFrame> {
  if (frame.length === 0 || frame[0] !== SOH) {
    return fail("missing-soh", `la respuesta no empieza con SOH (recibido: ${printable(frame, 24)})`);
  }
  if (frame[frame.length - 1] !== ETX) {
    return fail("missing-etx", `la respuesta no termina con ETX (recibido: ${printable(frame.subarray(-24), 24)})`);
  }
  const text = latin1(frame.subarray(1, frame.length - 1));
  if (text.startsWith("9999")) {
    return fail("unrecognised-command", `la consola no reconoce el comando «${expectedFunctionCode}» (respuesta 9999)`);
  }
  const tagAt = text.length - 6;
  if (tagAt < 0 || text.slice(tagAt, tagAt + 2) !== "&&" || !/^[0-9A-Fa-f]{4}$/.test(text.slice(tagAt + 2))) {
    if (text.length < expectedFunctionCode.length + 10) {
      return fail("truncated", `respuesta truncada: ${text.length} caracteres entre SOH y ETX`);
    }
    return fail("missing-checksum", "la respuesta no trae «&&» seguido de la suma de verificación de 4 dígitos");
  }
  // Checksum over SOH … "&&" inclusive: frame bytes [0, 1 + tagAt + 2).
  const covered = frame.subarray(0, 1 + tagAt + 2);
  const expected = checksumOf(covered);
  const received = Number.parseInt(text.slice(tagAt + 2), 16);
  if (received !== expected) {
    return fail(
      "bad-checksum",
      `suma de verificación incorrecta: recibida ${formatChecksum(received)}, calculada ${formatChecksum(expected)}`,
    );
  }
  const echoed = text.slice(0, expectedFunctionCode.length);
  if (echoed !== expectedFunctionCode) {
    return fail("wrong-function", `la respuesta es de la función «${echoed}», se esperaba «${expectedFunctionCode}»`);
  }
  return { ok: true, value: { functionCode: echoed, data: text.slice(expectedFunctionCode.length, tagAt) } };
}

// ── reports ─────────────────────────────────────────────────────────────────────────────────

const INVENTORY_FIELDS = 7;
const DELIVERY_FIELDS = 10;

/** Function 201, computer format (see the file header for the layout). */
export function parseInventoryResponse(frame: Uint8Array, options: ParseOptions): ParseResult<InventoryReport> {
  const envelope = validateFrame(frame, options.functionCode);
  if (!envelope.ok) return envelope;
  const cursor = new Cursor(envelope.value.data);
  const consoleTime = readStamp(cursor, "fecha y hora del reporte");
  if (!consoleTime.ok) return consoleTime;
  const tanks: TankInventory[] = [];
  while (!cursor.done) {
    const header = readTankHeader(cursor, 4, "estado");
    if (!header.ok) return header;
    const { tankNumber, productCode, extra: status } = header.value;
    const count = readHexCount(cursor, `tanque ${pad2(tankNumber)}: número de campos`, INVENTORY_FIELDS);
    if (!count.ok) return count;
    if (count.value < INVENTORY_FIELDS) {
      return fail("truncated", `tanque ${pad2(tankNumber)}: ${count.value} campos, se necesitan al menos ${INVENTORY_FIELDS}`);
    }
    const values: Array<number | null> = [];
    for (let i = 0; i < count.value; i += 1) {
      const value = readFloat(cursor, `tanque ${pad2(tankNumber)}, campo ${i + 1} (${INVENTORY_FIELD_NAMES[i] ?? "adicional"})`, true);
      if (!value.ok) return value;
      values.push(value.value);
    }
    const [volume, tcVolume, ullage, height, water, temperature, waterVolume] = values;
    const u = options.units;
    tanks.push({
      tankNumber,
      productCode,
      status,
      deliveryInProgress: (status & 0x1) !== 0,
      leakTestInProgress: (status & 0x2) !== 0,
      invalidFuelHeight: (status & 0x4) !== 0,
      volumeL: mapNullable(volume, (v) => volumeToLitres(v, u)),
      tcVolumeL: mapNullable(tcVolume, (v) => volumeToLitres(v, u)),
      ullageL: mapNullable(ullage, (v) => volumeToLitres(v, u)),
      heightMm: mapNullable(height, (v) => heightToMillimetres(v, u)),
      waterMm: mapNullable(water, (v) => heightToMillimetres(v, u)),
      temperatureC: mapNullable(temperature, (v) => temperatureToCelsius(v, u)),
      waterVolumeL: mapNullable(waterVolume, (v) => volumeToLitres(v, u)),
      fieldCount: count.value,
    });
  }
  return { ok: true, value: { functionCode: envelope.value.functionCode, consoleTime: consoleTime.value, tanks } };
}

const INVENTORY_FIELD_NAMES = ["volumen", "volumen TC", "vacío", "altura", "agua", "temperatura", "volumen de agua"];
const DELIVERY_FIELD_NAMES = [
  "volumen inicial",
  "volumen TC inicial",
  "agua inicial",
  "temperatura inicial",
  "volumen final",
  "volumen TC final",
  "agua final",
  "temperatura final",
  "altura inicial",
  "altura final",
];

/** Function 202, computer format (see the file header for the layout). */
export function parseDeliveryResponse(frame: Uint8Array, options: ParseOptions): ParseResult<DeliveryReport> {
  const envelope = validateFrame(frame, options.functionCode);
  if (!envelope.ok) return envelope;
  const cursor = new Cursor(envelope.value.data);
  const consoleTime = readStamp(cursor, "fecha y hora del reporte");
  if (!consoleTime.ok) return consoleTime;
  const u = options.units;
  const tanks: TankDeliveries[] = [];
  while (!cursor.done) {
    const header = readTankHeader(cursor, 0, "");
    if (!header.ok) return header;
    const { tankNumber, productCode } = header.value;
    const where = `tanque ${pad2(tankNumber)}`;
    const countText = cursor.take(2);
    if (countText === null) return fail("truncated", `${where}: falta el número de entregas`);
    if (!/^\d{2}$/.test(countText)) return fail("bad-field", `${where}: número de entregas no decimal «${countText}»`);
    const deliveries: DeliveryRecord[] = [];
    for (let d = 0; d < Number(countText); d += 1) {
      const at = `${where}, entrega ${d + 1}`;
      const rawFrom = cursor.position;
      const startStamp = cursor.peek(10);
      const start = readStamp(cursor, `${at}: inicio`);
      if (!start.ok) return start;
      const endStamp = cursor.peek(10);
      const end = readStamp(cursor, `${at}: fin`);
      if (!end.ok) return end;
      const count = readHexCount(cursor, `${at}: número de campos`);
      if (!count.ok) return count;
      if (count.value < DELIVERY_FIELDS) {
        return fail("truncated", `${at}: ${count.value} campos, se necesitan al menos ${DELIVERY_FIELDS}`);
      }
      const values: number[] = [];
      for (let i = 0; i < count.value; i += 1) {
        const value = readFloat(cursor, `${at}, campo ${i + 1} (${DELIVERY_FIELD_NAMES[i] ?? "adicional"})`, false);
        if (!value.ok) return value;
        values.push(value.value ?? 0);
      }
      const f = (i: number): number => values[i] ?? 0;
      deliveries.push({
        start: start.value,
        end: end.value,
        startStamp: startStamp ?? "",
        endStamp: endStamp ?? "",
        startVolumeL: volumeToLitres(f(0), u),
        startTcVolumeL: volumeToLitres(f(1), u),
        startWaterMm: heightToMillimetres(f(2), u),
        startTemperatureC: temperatureToCelsius(f(3), u),
        endVolumeL: volumeToLitres(f(4), u),
        endTcVolumeL: volumeToLitres(f(5), u),
        endWaterMm: heightToMillimetres(f(6), u),
        endTemperatureC: temperatureToCelsius(f(7), u),
        startHeightMm: heightToMillimetres(f(8), u),
        endHeightMm: heightToMillimetres(f(9), u),
        fieldCount: count.value,
        raw: cursor.since(rawFrom),
      });
    }
    tanks.push({ tankNumber, productCode, deliveries });
  }
  return { ok: true, value: { functionCode: envelope.value.functionCode, consoleTime: consoleTime.value, tanks } };
}

// ── encoders (console simulator, fixtures) ──────────────────────────────────────────────────

/** §5.0: the console's answer to a function code it does not know. */
export function unrecognisedCommandResponse(): Uint8Array {
  return asciiBytes("\u00019999FF1B\u0003");
}

/** §6.1 envelope around `functionCode + data`: SOH … && CCCC ETX. */
export function frameComputerResponse(functionCode: string, data: string): Uint8Array {
  const head = `\u0001${functionCode}${data}&&`;
  const checksum = formatChecksum(checksumOf(asciiBytes(head)));
  return asciiBytes(`${head}${checksum}\u0003`);
}

/** §6.3: IEEE-754 single as 8 upper-case hex digits; null → "????????" (no valid data, §7.0). */
export function encodeHexFloat(value: number | null): string {
  if (value === null) return "????????";
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0).toString(16).toUpperCase().padStart(8, "0");
}

/** §6.3: 8 hex digits → number; null for "????????"; undefined when not a finite float. */
export function decodeHexFloat(hex: string): number | null | undefined {
  if (hex === "????????") return null;
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, Number.parseInt(hex, 16));
  const value = view.getFloat32(0);
  return Number.isFinite(value) ? value : undefined;
}

/** Input of `formatInventoryResponse`, in litres / millimetres / °C (converted to the console's units). */
export interface TankInventoryInput {
  tankNumber: number;
  productCode: string;
  status?: number;
  volumeL: number | null;
  tcVolumeL: number | null;
  ullageL: number | null;
  heightMm: number | null;
  waterMm: number | null;
  temperatureC: number | null;
  waterVolumeL: number | null;
}

export function formatInventoryResponse(
  functionCode: string,
  consoleTime: string,
  tanks: readonly TankInventoryInput[],
  units: ConsoleUnits,
): Uint8Array {
  const nullable = (value: number | null, convert: (v: number, u: ConsoleUnits) => number): string =>
    encodeHexFloat(value === null ? null : convert(value, units));
  const records = tanks.map((t) => {
    const floats = [
      nullable(t.volumeL, litresToConsole),
      nullable(t.tcVolumeL, litresToConsole),
      nullable(t.ullageL, litresToConsole),
      nullable(t.heightMm, millimetresToConsole),
      nullable(t.waterMm, millimetresToConsole),
      nullable(t.temperatureC, celsiusToConsole),
      nullable(t.waterVolumeL, litresToConsole),
    ];
    const status = (t.status ?? 0).toString(16).toUpperCase().padStart(4, "0");
    return `${pad2(t.tankNumber)}${t.productCode}${status}${pad2Hex(floats.length)}${floats.join("")}`;
  });
  return frameComputerResponse(functionCode, `${consoleTime}${records.join("")}`);
}

/** A record of the §7.0 "inactive device" form: the tank number, then question marks. */
export function formatNoDataInventoryRecord(tankNumber: number): string {
  return `${pad2(tankNumber)}?????${pad2Hex(INVENTORY_FIELDS)}${"?".repeat(8 * INVENTORY_FIELDS)}`;
}

export interface DeliveryInput {
  startStamp: string;
  endStamp: string;
  startVolumeL: number;
  startTcVolumeL: number;
  startWaterMm: number;
  startTemperatureC: number;
  endVolumeL: number;
  endTcVolumeL: number;
  endWaterMm: number;
  endTemperatureC: number;
  startHeightMm: number;
  endHeightMm: number;
}

export interface TankDeliveriesInput {
  tankNumber: number;
  productCode: string;
  /** In the order the console lists them. */
  deliveries: readonly DeliveryInput[];
}

export function formatDeliveryResponse(
  functionCode: string,
  consoleTime: string,
  tanks: readonly TankDeliveriesInput[],
  units: ConsoleUnits,
): Uint8Array {
  const records = tanks.map((t) => {
    const deliveries = t.deliveries.map((d) => {
      const floats = [
        litresToConsole(d.startVolumeL, units),
        litresToConsole(d.startTcVolumeL, units),
        millimetresToConsole(d.startWaterMm, units),
        celsiusToConsole(d.startTemperatureC, units),
        litresToConsole(d.endVolumeL, units),
        litresToConsole(d.endTcVolumeL, units),
        millimetresToConsole(d.endWaterMm, units),
        celsiusToConsole(d.endTemperatureC, units),
        millimetresToConsole(d.startHeightMm, units),
        millimetresToConsole(d.endHeightMm, units),
      ].map(encodeHexFloat);
      return `${d.startStamp}${d.endStamp}${pad2Hex(floats.length)}${floats.join("")}`;
    });
    return `${pad2(t.tankNumber)}${t.productCode}${pad2(t.deliveries.length)}${deliveries.join("")}`;
  });
  return frameComputerResponse(functionCode, `${consoleTime}${records.join("")}`);
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

/** Bytes for logs: printable ASCII as is, control bytes as <SOH>, <ETX>, <0xNN>; cut at `max`. */
export function printable(bytes: Uint8Array, max = 64): string {
  const names: Record<number, string> = { 0x01: "<SOH>", 0x03: "<ETX>", 0x0a: "<LF>", 0x0d: "<CR>" };
  let out = "";
  for (const byte of bytes.subarray(0, max)) {
    out += names[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `<0x${byte.toString(16).padStart(2, "0")}>`);
  }
  return bytes.length > max ? `${out}… (${bytes.length} bytes)` : out;
}

export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function pad2Hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

function fail(code: VeederRootParseErrorCode, message: string): { ok: false; error: VeederRootParseError } {
  return { ok: false, error: { code, message } };
}

function mapNullable(value: number | null | undefined, convert: (v: number) => number): number | null {
  return value === null || value === undefined ? null : convert(value);
}

class Cursor {
  private pos = 0;
  constructor(private readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  get remaining(): number {
    return this.text.length - this.pos;
  }
  get position(): number {
    return this.pos;
  }
  since(from: number): string {
    return this.text.slice(from, this.pos);
  }
  take(length: number): string | null {
    if (this.pos + length > this.text.length) return null;
    const out = this.text.slice(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  peek(length: number): string | null {
    return this.pos + length > this.text.length ? null : this.text.slice(this.pos, this.pos + length);
  }
}

function readStamp(cursor: Cursor, what: string): ParseResult<ConsoleDateTime> {
  const text = cursor.take(10);
  if (text === null) return fail("truncated", `datos truncados: falta ${what} (YYMMDDHHmm)`);
  if (!/^\d{10}$/.test(text)) return fail("bad-field", `${what} no es YYMMDDHHmm: «${text}»`);
  const n = (i: number): number => Number(text.slice(i, i + 2));
  const time = { year: 2000 + n(0), month: n(2), day: n(4), hour: n(6), minute: n(8) };
  if (time.month < 1 || time.month > 12 || time.day < 1 || time.day > 31 || time.hour > 23 || time.minute > 59) {
    return fail("bad-field", `${what} fuera de rango: «${text}»`);
  }
  return { ok: true, value: time };
}

/** TT (2 decimal digits), p (1 character), then `extraHexDigits` hex digits (the 201 status word). */
function readTankHeader(
  cursor: Cursor,
  extraHexDigits: number,
  extraName: string,
): ParseResult<{ tankNumber: number; productCode: string; extra: number }> {
  const remaining = cursor.remaining;
  const head = cursor.take(3 + extraHexDigits);
  if (head === null) return fail("truncated", `datos truncados: quedan ${remaining} caracteres para el encabezado de un tanque`);
  const tankText = head.slice(0, 2);
  if (!/^\d{2}$/.test(tankText)) return fail("bad-field", `número de tanque no decimal: «${tankText}»`);
  const productCode = head.slice(2, 3);
  const extraText = head.slice(3);
  // §7.0: an inactive device has question marks in place of its numbers (status word included).
  const noData = extraHexDigits > 0 && /^\?+$/.test(extraText);
  if (extraHexDigits > 0 && !noData && !/^[0-9A-Fa-f]+$/.test(extraText)) {
    return fail("bad-field", `tanque ${tankText}: ${extraName} no hexadecimal «${extraText}»`);
  }
  return {
    ok: true,
    value: { tankNumber: Number(tankText), productCode, extra: extraHexDigits > 0 && !noData ? Number.parseInt(extraText, 16) : 0 },
  };
}

/** NN (2 hex digits). `noDataCount`: what "??" stands for in a §7.0 no-data record, if allowed. */
function readHexCount(cursor: Cursor, what: string, noDataCount?: number): ParseResult<number> {
  const text = cursor.take(2);
  if (text === null) return fail("truncated", `datos truncados: falta ${what}`);
  if (text === "??" && noDataCount !== undefined) return { ok: true, value: noDataCount };
  if (!/^[0-9A-Fa-f]{2}$/.test(text)) return fail("bad-field", `${what} no hexadecimal: «${text}»`);
  return { ok: true, value: Number.parseInt(text, 16) };
}

function readFloat(cursor: Cursor, what: string, allowNoData: boolean): ParseResult<number | null> {
  const remaining = cursor.remaining;
  const text = cursor.take(8);
  if (text === null) return fail("truncated", `datos truncados: ${what} necesita 8 caracteres y quedan ${remaining}`);
  const value = decodeHexFloat(text);
  if (value === undefined) return fail("bad-field", `${what}: «${text}» no es un flotante IEEE-754 hexadecimal válido`);
  if (value === null && !allowNoData) return fail("bad-field", `${what}: sin dato («????????»)`);
  return { ok: true, value };
}
