import { QUALITY_BAD, QUALITY_GOOD, type Quality } from "../../../server/contracts/measurement";

/**
 * Modbus TCP codec: pure functions from bytes to frames and from registers to values, and back.
 * No sockets, no timers, no clock; every malformed input is a returned error, never a throw
 * (only `encode*` throw RangeError, on arguments the caller should have validated).
 *
 * References:
 *   [AP]  MODBUS Application Protocol Specification V1.1b3 (2012)
 *   [TCP] MODBUS Messaging on TCP/IP Implementation Guide V1.0b (2006)
 *
 * ADU on TCP ([TCP] §3.1.3, [AP] §4.1):
 *
 *   ┌──────────────┬─────────────┬────────┬────────┬──────────────────────────────┐
 *   │ transaction  │ protocol id │ length │ unit   │ PDU: function code + data    │
 *   │ id (2, BE)   │ (2) = 0     │ (2)    │ id (1) │ (1 … 253 bytes)              │
 *   └──────────────┴─────────────┴────────┴────────┴──────────────────────────────┘
 *   length = bytes that follow it = 1 (unit id) + PDU length, so 2 … 254; ADU ≤ 260 bytes.
 *
 * Every 16-bit field and register is big-endian on the wire ([AP] §4.2). How a device lays a
 * 32/64-bit value over several registers is NOT specified by Modbus; see `ModbusByteOrder`.
 */

// ── constants ─────────────────────────────────────────────────────────────────────────────

export const MBAP_HEADER_LENGTH = 7;
/** [AP] §4.1: PDU ≤ 253 bytes; on TCP the ADU is 253 + 7 = 260 bytes. */
export const MAX_PDU_LENGTH = 253;
export const MAX_ADU_LENGTH = MBAP_HEADER_LENGTH + MAX_PDU_LENGTH;
/** [TCP] §3.1.3: protocol identifier 0 = MODBUS. */
export const MODBUS_PROTOCOL_ID = 0;
/** [AP] §6.3/§6.4: quantity of registers 1 … 125 (0x7D) for FC 03/04. */
export const MAX_READ_REGISTERS = 125;
/** [AP] §6.1/§6.2: quantity of coils/inputs 1 … 2000 (0x7D0) for FC 01/02. */
export const MAX_READ_BITS = 2000;
/** [AP] §6.12: quantity of registers 1 … 123 (0x7B) for FC 16. */
export const MAX_WRITE_REGISTERS = 123;
/** [AP] §4.4: the data model is addressed 0 … 65535 in the PDU. */
export const MAX_ADDRESS = 0xffff;

export const FUNCTION_CODES = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  writeMultipleRegisters: 0x10,
} as const;

export type ReadFunctionCode = 0x01 | 0x02 | 0x03 | 0x04;
export type FunctionCode = (typeof FUNCTION_CODES)[keyof typeof FUNCTION_CODES];

/** The four tables of the Modbus data model ([AP] §4.3). */
export type ModbusTable = "coil" | "discrete" | "holding" | "input";

export function readFunctionCode(table: ModbusTable): ReadFunctionCode {
  switch (table) {
    case "coil":
      return FUNCTION_CODES.readCoils;
    case "discrete":
      return FUNCTION_CODES.readDiscreteInputs;
    case "holding":
      return FUNCTION_CODES.readHoldingRegisters;
    case "input":
      return FUNCTION_CODES.readInputRegisters;
  }
}

export function isBitTable(table: ModbusTable): boolean {
  return table === "coil" || table === "discrete";
}

/** Largest quantity one read request of this table may carry. */
export function maxReadQuantity(table: ModbusTable): number {
  return isBitTable(table) ? MAX_READ_BITS : MAX_READ_REGISTERS;
}

/** [AP] §7 exception codes (the function code of the response is the request's + 0x80). */
export const EXCEPTION_CODES = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  acknowledge: 0x05,
  serverDeviceBusy: 0x06,
  memoryParityError: 0x08,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetFailedToRespond: 0x0b,
} as const;

const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0x01: "función ilegal",
  0x02: "dirección de datos ilegal",
  0x03: "valor de datos ilegal",
  0x04: "falla del dispositivo esclavo",
  0x05: "solicitud aceptada, en proceso",
  0x06: "dispositivo esclavo ocupado",
  0x08: "error de paridad de memoria",
  0x0a: "ruta del gateway no disponible",
  0x0b: "el dispositivo destino del gateway no respondió",
};

/** Spanish name of an exception code ([AP] §7), e.g. 2 → "dirección de datos ilegal". */
export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `excepción desconocida 0x${code.toString(16).padStart(2, "0")}`;
}

/**
 * Exceptions 0x0A/0x0B come from a gateway that cannot reach the addressed unit: for the
 * collector that is the device being down, not a bad address ([AP] §7).
 */
export function isGatewayException(code: number): boolean {
  return code === EXCEPTION_CODES.gatewayPathUnavailable || code === EXCEPTION_CODES.gatewayTargetFailedToRespond;
}

// ── frames and results ────────────────────────────────────────────────────────────────────

export type ModbusCodecErrorCode =
  | "short-frame"
  | "frame-too-long"
  | "length-mismatch"
  | "protocol-id"
  | "transaction-id"
  | "unit-id"
  | "function-code"
  | "byte-count"
  | "quantity"
  | "address"
  | "value";

export interface ModbusCodecError {
  code: ModbusCodecErrorCode;
  /** Spanish, with the offending numbers. */
  message: string;
}

export type CodecResult<T> = { ok: true; value: T } | { ok: false; error: ModbusCodecError };

function fail<T>(code: ModbusCodecErrorCode, message: string): CodecResult<T> {
  return { ok: false, error: { code, message } };
}

export interface MbapHeader {
  transactionId: number;
  protocolId: number;
  /** Bytes after the length field: unit id + PDU. */
  length: number;
  unitId: number;
}

export type ModbusRequest =
  | { functionCode: ReadFunctionCode; address: number; quantity: number }
  | { functionCode: 0x05; address: number; value: boolean }
  | { functionCode: 0x06; address: number; value: number }
  | { functionCode: 0x10; address: number; values: readonly number[] };

export type ModbusResponse =
  /** FC 01/02: `bits[i]` is the state of address + i ([AP] §6.1: LSB of the first byte first). */
  | { kind: "bits"; functionCode: 0x01 | 0x02; bits: boolean[] }
  /** FC 03/04: 16-bit unsigned register contents. */
  | { kind: "registers"; functionCode: 0x03 | 0x04; registers: number[] }
  /** FC 05/06 echo the request. */
  | { kind: "write-single"; functionCode: 0x05 | 0x06; address: number; value: number }
  | { kind: "write-multiple"; functionCode: 0x10; address: number; quantity: number }
  | { kind: "exception"; functionCode: number; exceptionCode: number; message: string };

export interface DecodedResponse {
  header: MbapHeader;
  response: ModbusResponse;
}

export type FrameLength =
  | { kind: "incomplete" }
  | { kind: "frame"; length: number }
  /** The stream cannot be trusted any more (the connection must be closed). */
  | { kind: "invalid"; error: ModbusCodecError };

/**
 * Splits a TCP byte stream: how long is the ADU at the start of `buffer`? TCP has no message
 * boundaries, so the MBAP length field is the only framing ([TCP] §4.3.2). A protocol id other
 * than 0 or a length outside 2 … 254 means the stream is out of step or is not Modbus.
 */
export function nextFrameLength(buffer: Uint8Array): FrameLength {
  if (buffer.length < 6) return { kind: "incomplete" };
  const protocolId = readU16(buffer, 2);
  if (protocolId !== MODBUS_PROTOCOL_ID) {
    return { kind: "invalid", error: { code: "protocol-id", message: `identificador de protocolo ${protocolId} en el encabezado MBAP (debe ser 0)` } };
  }
  const length = readU16(buffer, 4);
  if (length < 2 || length > MAX_PDU_LENGTH + 1) {
    return { kind: "invalid", error: { code: "length-mismatch", message: `campo de longitud MBAP fuera de rango: ${length} (válido 2 … ${MAX_PDU_LENGTH + 1})` } };
  }
  const total = 6 + length;
  return buffer.length < total ? { kind: "incomplete" } : { kind: "frame", length: total };
}

/** Reads and checks the MBAP header of one complete frame ([TCP] §3.1.3). */
export function decodeMbapHeader(frame: Uint8Array): CodecResult<MbapHeader> {
  if (frame.length < MBAP_HEADER_LENGTH + 1) {
    return fail("short-frame", `trama de ${frame.length} bytes: el mínimo es ${MBAP_HEADER_LENGTH + 1} (MBAP + código de función)`);
  }
  if (frame.length > MAX_ADU_LENGTH) return fail("frame-too-long", `trama de ${frame.length} bytes: el máximo es ${MAX_ADU_LENGTH}`);
  const header: MbapHeader = {
    transactionId: readU16(frame, 0),
    protocolId: readU16(frame, 2),
    length: readU16(frame, 4),
    unitId: frame[6] ?? 0,
  };
  if (header.protocolId !== MODBUS_PROTOCOL_ID) {
    return fail("protocol-id", `identificador de protocolo ${header.protocolId} en el encabezado MBAP (debe ser 0)`);
  }
  if (header.length !== frame.length - 6) {
    return fail("length-mismatch", `el campo de longitud MBAP dice ${header.length} bytes y siguen ${frame.length - 6}`);
  }
  return { ok: true, value: header };
}

// ── requests ──────────────────────────────────────────────────────────────────────────────

function checkRange(address: number, quantity: number, max: number, what: string): void {
  if (!Number.isInteger(address) || address < 0 || address > MAX_ADDRESS) throw new RangeError(`dirección Modbus inválida: ${address}`);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > max) throw new RangeError(`cantidad de ${what} inválida: ${quantity} (1 … ${max})`);
  if (address + quantity - 1 > MAX_ADDRESS) throw new RangeError(`el rango ${address} + ${quantity} excede la dirección ${MAX_ADDRESS}`);
}

function checkRegisterValue(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`valor de registro inválido: ${value} (0 … 65535)`);
}

function checkTransaction(transactionId: number, unitId: number): void {
  if (!Number.isInteger(transactionId) || transactionId < 0 || transactionId > 0xffff) throw new RangeError(`id de transacción inválido: ${transactionId}`);
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 0xff) throw new RangeError(`id de unidad inválido: ${unitId} (0 … 255)`);
}

/** Encodes the PDU of a request ([AP] §6.1–6.6, §6.12). Throws RangeError on invalid arguments. */
export function encodeRequestPdu(request: ModbusRequest): Uint8Array {
  switch (request.functionCode) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04: {
      const bits = request.functionCode <= 0x02;
      checkRange(request.address, request.quantity, bits ? MAX_READ_BITS : MAX_READ_REGISTERS, bits ? "bits" : "registros");
      return pdu(request.functionCode, [u16(request.address), u16(request.quantity)]);
    }
    case 0x05:
      checkRange(request.address, 1, 1, "bobinas");
      // [AP] §6.5: ON = 0xFF00, OFF = 0x0000; any other value is illegal.
      return pdu(0x05, [u16(request.address), u16(request.value ? 0xff00 : 0x0000)]);
    case 0x06:
      checkRange(request.address, 1, 1, "registros");
      checkRegisterValue(request.value);
      return pdu(0x06, [u16(request.address), u16(request.value)]);
    case 0x10: {
      checkRange(request.address, request.values.length, MAX_WRITE_REGISTERS, "registros");
      request.values.forEach(checkRegisterValue);
      return pdu(0x10, [u16(request.address), u16(request.values.length), [request.values.length * 2], ...request.values.map(u16)]);
    }
  }
}

/** Encodes a complete request ADU (MBAP + PDU). */
export function encodeRequest(transactionId: number, unitId: number, request: ModbusRequest): Buffer {
  checkTransaction(transactionId, unitId);
  return adu(transactionId, unitId, encodeRequestPdu(request));
}

export type DecodedRequest =
  | { kind: "request"; header: MbapHeader; request: ModbusRequest }
  /** A well-framed request the server must answer with this exception ([AP] §7, figure 16 of §6). */
  | { kind: "exception"; header: MbapHeader; functionCode: number; exceptionCode: number };

/**
 * Server side: decodes one request frame. Unknown function codes give exception 01 and a bad
 * quantity or inconsistent byte count exception 03, as the state diagrams of [AP] §6 require;
 * the address check (exception 02) belongs to whoever owns the data.
 */
export function decodeRequest(frame: Uint8Array): CodecResult<DecodedRequest> {
  const headerResult = decodeMbapHeader(frame);
  if (!headerResult.ok) return headerResult;
  const header = headerResult.value;
  const functionCode = frame[7] ?? 0;
  const data = frame.subarray(8);
  const exception = (exceptionCode: number): CodecResult<DecodedRequest> => ({
    ok: true,
    value: { kind: "exception", header, functionCode, exceptionCode },
  });
  switch (functionCode) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04: {
      if (data.length !== 4) return exception(EXCEPTION_CODES.illegalDataValue);
      const address = readU16(data, 0);
      const quantity = readU16(data, 2);
      const max = functionCode <= 0x02 ? MAX_READ_BITS : MAX_READ_REGISTERS;
      if (quantity < 1 || quantity > max) return exception(EXCEPTION_CODES.illegalDataValue);
      if (address + quantity - 1 > MAX_ADDRESS) return exception(EXCEPTION_CODES.illegalDataAddress);
      return { ok: true, value: { kind: "request", header, request: { functionCode, address, quantity } } };
    }
    case 0x05: {
      if (data.length !== 4) return exception(EXCEPTION_CODES.illegalDataValue);
      const raw = readU16(data, 2);
      if (raw !== 0xff00 && raw !== 0x0000) return exception(EXCEPTION_CODES.illegalDataValue);
      return { ok: true, value: { kind: "request", header, request: { functionCode, address: readU16(data, 0), value: raw === 0xff00 } } };
    }
    case 0x06: {
      if (data.length !== 4) return exception(EXCEPTION_CODES.illegalDataValue);
      return { ok: true, value: { kind: "request", header, request: { functionCode, address: readU16(data, 0), value: readU16(data, 2) } } };
    }
    case 0x10: {
      if (data.length < 5) return exception(EXCEPTION_CODES.illegalDataValue);
      const address = readU16(data, 0);
      const quantity = readU16(data, 2);
      const byteCount = data[4] ?? 0;
      if (quantity < 1 || quantity > MAX_WRITE_REGISTERS || byteCount !== quantity * 2 || data.length !== 5 + byteCount) {
        return exception(EXCEPTION_CODES.illegalDataValue);
      }
      if (address + quantity - 1 > MAX_ADDRESS) return exception(EXCEPTION_CODES.illegalDataAddress);
      const values: number[] = [];
      for (let i = 0; i < quantity; i += 1) values.push(readU16(data, 5 + i * 2));
      return { ok: true, value: { kind: "request", header, request: { functionCode, address, values } } };
    }
    default:
      return exception(EXCEPTION_CODES.illegalFunction);
  }
}

// ── responses ─────────────────────────────────────────────────────────────────────────────

/** Server side: encodes a response ADU. Throws RangeError on inconsistent arguments. */
export function encodeResponse(transactionId: number, unitId: number, response: ModbusResponse): Buffer {
  checkTransaction(transactionId, unitId);
  switch (response.kind) {
    case "bits": {
      const bytes = packBits(response.bits);
      if (response.bits.length < 1 || response.bits.length > MAX_READ_BITS) throw new RangeError(`cantidad de bits inválida: ${response.bits.length}`);
      return adu(transactionId, unitId, pdu(response.functionCode, [[bytes.length], [...bytes]]));
    }
    case "registers": {
      if (response.registers.length < 1 || response.registers.length > MAX_READ_REGISTERS) {
        throw new RangeError(`cantidad de registros inválida: ${response.registers.length}`);
      }
      response.registers.forEach(checkRegisterValue);
      return adu(transactionId, unitId, pdu(response.functionCode, [[response.registers.length * 2], ...response.registers.map(u16)]));
    }
    case "write-single":
      checkRegisterValue(response.value);
      return adu(transactionId, unitId, pdu(response.functionCode, [u16(response.address), u16(response.value)]));
    case "write-multiple":
      return adu(transactionId, unitId, pdu(0x10, [u16(response.address), u16(response.quantity)]));
    case "exception":
      return encodeExceptionResponse(transactionId, unitId, response.functionCode, response.exceptionCode);
  }
}

/** [AP] §7: function code | 0x80, then the exception code. */
export function encodeExceptionResponse(transactionId: number, unitId: number, functionCode: number, exceptionCode: number): Buffer {
  checkTransaction(transactionId, unitId);
  return adu(transactionId, unitId, Uint8Array.of((functionCode | 0x80) & 0xff, exceptionCode & 0xff));
}

export interface ExpectedResponse {
  transactionId: number;
  unitId: number;
  request: ModbusRequest;
}

/**
 * Client side: decodes the response to `expected.request` and checks everything a client can:
 * MBAP (protocol id 0, length field = bytes present, transaction id, unit id — [TCP] §3.1.3 and
 * §4.4.1.2), the function code (the request's, or the request's + 0x80 for an exception), and the
 * byte count against the quantity asked for ([AP] §6.1–6.4: N registers = 2·N bytes, N bits =
 * ⌈N/8⌉ bytes). Any mismatch is an error: values from a response that does not match the
 * request must never reach a reading.
 */
export function decodeResponse(frame: Uint8Array, expected: ExpectedResponse): CodecResult<DecodedResponse> {
  const headerResult = decodeMbapHeader(frame);
  if (!headerResult.ok) return headerResult;
  const header = headerResult.value;
  if (header.transactionId !== expected.transactionId) {
    return fail("transaction-id", `id de transacción ${header.transactionId} en la respuesta; se esperaba ${expected.transactionId}`);
  }
  if (header.unitId !== expected.unitId) {
    return fail("unit-id", `respuesta de la unidad ${header.unitId}; se esperaba la unidad ${expected.unitId}`);
  }
  const request = expected.request;
  const functionCode = frame[7] ?? 0;
  const data = frame.subarray(8);
  const ok = (response: ModbusResponse): CodecResult<DecodedResponse> => ({ ok: true, value: { header, response } });

  if (functionCode === (request.functionCode | 0x80)) {
    if (data.length !== 1) return fail("length-mismatch", `respuesta de excepción con ${data.length} bytes de datos (debe ser 1)`);
    const exceptionCode = data[0] ?? 0;
    return ok({ kind: "exception", functionCode: request.functionCode, exceptionCode, message: exceptionName(exceptionCode) });
  }
  if (functionCode !== request.functionCode) {
    return fail("function-code", `código de función 0x${hex2(functionCode)} en la respuesta; se esperaba 0x${hex2(request.functionCode)}`);
  }
  switch (request.functionCode) {
    case 0x01:
    case 0x02: {
      const expectedBytes = Math.ceil(request.quantity / 8);
      const byteCount = data[0];
      if (byteCount === undefined) return fail("short-frame", "respuesta sin conteo de bytes");
      if (byteCount !== expectedBytes) return fail("byte-count", `conteo de bytes ${byteCount}; para ${request.quantity} bits se esperaban ${expectedBytes}`);
      if (data.length !== 1 + byteCount) return fail("byte-count", `el conteo de bytes dice ${byteCount} y llegaron ${data.length - 1}`);
      return ok({ kind: "bits", functionCode: request.functionCode, bits: unpackBits(data.subarray(1), request.quantity) });
    }
    case 0x03:
    case 0x04: {
      const expectedBytes = request.quantity * 2;
      const byteCount = data[0];
      if (byteCount === undefined) return fail("short-frame", "respuesta sin conteo de bytes");
      if (byteCount !== expectedBytes) return fail("byte-count", `conteo de bytes ${byteCount}; para ${request.quantity} registros se esperaban ${expectedBytes}`);
      if (data.length !== 1 + byteCount) return fail("byte-count", `el conteo de bytes dice ${byteCount} y llegaron ${data.length - 1}`);
      const registers: number[] = [];
      for (let i = 0; i < request.quantity; i += 1) registers.push(readU16(data, 1 + i * 2));
      return ok({ kind: "registers", functionCode: request.functionCode, registers });
    }
    case 0x05:
    case 0x06: {
      if (data.length !== 4) return fail("length-mismatch", `respuesta de escritura con ${data.length} bytes de datos (deben ser 4)`);
      const address = readU16(data, 0);
      const value = readU16(data, 2);
      const sent = request.functionCode === 0x05 ? (request.value ? 0xff00 : 0) : request.value;
      if (address !== request.address) return fail("address", `la respuesta confirma la dirección ${address}; se escribió ${request.address}`);
      if (value !== sent) return fail("value", `la respuesta confirma el valor ${value}; se escribió ${sent}`);
      return ok({ kind: "write-single", functionCode: request.functionCode, address, value });
    }
    case 0x10: {
      if (data.length !== 4) return fail("length-mismatch", `respuesta de escritura con ${data.length} bytes de datos (deben ser 4)`);
      const address = readU16(data, 0);
      const quantity = readU16(data, 2);
      if (address !== request.address) return fail("address", `la respuesta confirma la dirección ${address}; se escribió ${request.address}`);
      if (quantity !== request.values.length) return fail("quantity", `la respuesta confirma ${quantity} registros; se escribieron ${request.values.length}`);
      return ok({ kind: "write-multiple", functionCode: 0x10, address, quantity });
    }
  }
}

/** [AP] §6.1: the LSB of the first byte is the first address; the last byte is zero-padded. */
export function packBits(bits: readonly boolean[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3]! |= 1 << (i & 7);
  });
  return bytes;
}

export function unpackBits(bytes: Uint8Array, quantity: number): boolean[] {
  const bits: boolean[] = [];
  for (let i = 0; i < quantity; i += 1) bits.push((((bytes[i >> 3] ?? 0) >> (i & 7)) & 1) === 1);
  return bits;
}

// ── values over registers ─────────────────────────────────────────────────────────────────

export type ModbusValueType = "bool" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64";
export const MODBUS_VALUE_TYPES = ["bool", "int16", "uint16", "int32", "uint32", "float32", "float64"] as const;

/**
 * How a multi-register value is laid out. Letters name the bytes of the value in big-endian
 * order (A = most significant): a float32 12.75 = 0x414C0000 has A=41 B=4C C=00 D=00. Modbus
 * itself only fixes the byte order *inside* one register (big-endian, [AP] §4.2); the register
 * order of wider values is vendor-specific, hence the four variants (the names FUXA, Kepware and
 * Ignition use):
 *
 *   ABCD  big-endian: registers most significant first, bytes big-endian    41 4C | 00 00
 *   CDAB  word-swapped: registers least significant first ("Modicon")       00 00 | 41 4C
 *   BADC  byte-swapped: registers in order, bytes swapped in each register  4C 41 | 00 00
 *   DCBA  little-endian: both swapped                                       00 00 | 4C 41
 *
 * For 64-bit values the same two rules apply to 4 registers (CDAB of ABCDEFGH = GH EF CD AB). For
 * 16-bit values only the byte swap matters: CDAB ≡ ABCD and DCBA ≡ BADC.
 */
export type ModbusByteOrder = "ABCD" | "DCBA" | "BADC" | "CDAB";
export const MODBUS_BYTE_ORDERS = ["ABCD", "DCBA", "BADC", "CDAB"] as const;

/** Registers (or bits, for "bool") one value occupies. */
export function registerCount(type: ModbusValueType): number {
  switch (type) {
    case "bool":
    case "int16":
    case "uint16":
      return 1;
    case "int32":
    case "uint32":
    case "float32":
      return 2;
    case "float64":
      return 4;
  }
}

function wordsSwapped(order: ModbusByteOrder): boolean {
  return order === "CDAB" || order === "DCBA";
}
function bytesSwapped(order: ModbusByteOrder): boolean {
  return order === "BADC" || order === "DCBA";
}

/** The value's bytes in big-endian (ABCD…) order, from `count` registers as received. */
function canonicalBytes(registers: ArrayLike<number>, offset: number, count: number, order: ModbusByteOrder): DataView {
  const view = new DataView(new ArrayBuffer(count * 2));
  for (let i = 0; i < count; i += 1) {
    const register = (registers[offset + (wordsSwapped(order) ? count - 1 - i : i)] ?? 0) & 0xffff;
    view.setUint16(i * 2, bytesSwapped(order) ? swap16(register) : register, false);
  }
  return view;
}

/**
 * Decodes one value of `type` starting at `registers[offset]`. Returns NaN when the slice is too
 * short (the caller turns non-finite values into BAD quality). "bool" reads a register as
 * 0/1 (non-zero = 1); bits from coils/inputs are decoded with `decodeBit`.
 */
export function decodeValue(registers: ArrayLike<number>, offset: number, type: ModbusValueType, order: ModbusByteOrder = "ABCD"): number {
  const count = registerCount(type);
  if (offset < 0 || offset + count > registers.length) return Number.NaN;
  const view = canonicalBytes(registers, offset, count, order);
  switch (type) {
    case "bool":
      return view.getUint16(0, false) !== 0 ? 1 : 0;
    case "int16":
      return view.getInt16(0, false);
    case "uint16":
      return view.getUint16(0, false);
    case "int32":
      return view.getInt32(0, false);
    case "uint32":
      return view.getUint32(0, false);
    case "float32":
      return view.getFloat32(0, false);
    case "float64":
      return view.getFloat64(0, false);
  }
}

export function decodeBit(bits: readonly boolean[], offset: number): number {
  const bit = bits[offset];
  return bit === undefined ? Number.NaN : bit ? 1 : 0;
}

/**
 * Encodes `value` as the registers a device would hold (simulator, tests). Integers are
 * range-checked and rounded; float32 rounds to the nearest single.
 */
export function encodeValue(value: number, type: ModbusValueType, order: ModbusByteOrder = "ABCD"): number[] {
  const count = registerCount(type);
  const view = new DataView(new ArrayBuffer(count * 2));
  const integer = (min: number, max: number): number => {
    const rounded = Math.round(value);
    if (!Number.isFinite(rounded) || rounded < min || rounded > max) throw new RangeError(`${value} no cabe en ${type}`);
    return rounded;
  };
  switch (type) {
    case "bool":
      view.setUint16(0, value ? 1 : 0, false);
      break;
    case "int16":
      view.setInt16(0, integer(-0x8000, 0x7fff), false);
      break;
    case "uint16":
      view.setUint16(0, integer(0, 0xffff), false);
      break;
    case "int32":
      view.setInt32(0, integer(-0x80000000, 0x7fffffff), false);
      break;
    case "uint32":
      view.setUint32(0, integer(0, 0xffffffff), false);
      break;
    case "float32":
      view.setFloat32(0, value, false);
      break;
    case "float64":
      view.setFloat64(0, value, false);
      break;
  }
  const canonical: number[] = [];
  for (let i = 0; i < count; i += 1) canonical.push(view.getUint16(i * 2, false));
  const registers = canonical.map((register) => (bytesSwapped(order) ? swap16(register) : register));
  return wordsSwapped(order) ? registers.reverse() : registers;
}

export interface ScaledValue {
  value: number;
  quality: Quality;
}

/**
 * Engineering value = raw × scale + offset. A non-finite result (NaN/±Inf: IEEE "no value" that
 * many meters publish on a sensor fault, or a scale overflow) is BAD quality with `fallback` as
 * value, because a reading's value must be a finite number (A30-MS-15: a gap is recorded as a
 * BAD reading, never as a made-up number).
 */
export function scaleValue(raw: number, scale = 1, offset = 0, fallback = 0): ScaledValue {
  const value = raw * scale + offset;
  if (!Number.isFinite(value)) return { value: fallback, quality: QUALITY_BAD };
  return { value, quality: QUALITY_GOOD };
}

// ── bytes ─────────────────────────────────────────────────────────────────────────────────

function readU16(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0)) & 0xffff;
}

function swap16(value: number): number {
  return ((value & 0xff) << 8) | ((value >> 8) & 0xff);
}

function u16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff];
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, "0");
}

function pdu(functionCode: number, parts: ReadonlyArray<readonly number[]>): Uint8Array {
  const bytes: number[] = [functionCode];
  for (const part of parts) bytes.push(...part);
  return Uint8Array.from(bytes);
}

function adu(transactionId: number, unitId: number, body: Uint8Array): Buffer {
  if (body.length < 1 || body.length > MAX_PDU_LENGTH) throw new RangeError(`PDU de ${body.length} bytes (1 … ${MAX_PDU_LENGTH})`);
  const frame = Buffer.allocUnsafe(MBAP_HEADER_LENGTH + body.length);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(MODBUS_PROTOCOL_ID, 2);
  frame.writeUInt16BE(body.length + 1, 4);
  frame.writeUInt8(unitId, 6);
  frame.set(body, MBAP_HEADER_LENGTH);
  return frame;
}
