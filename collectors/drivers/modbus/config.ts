import { z } from "zod";
import {
  MAX_ADDRESS,
  MAX_READ_BITS,
  MAX_READ_REGISTERS,
  MODBUS_BYTE_ORDERS,
  MODBUS_VALUE_TYPES,
  isBitTable,
  readFunctionCode,
  registerCount,
  type ModbusByteOrder,
  type ModbusTable,
  type ModbusValueType,
  type ReadFunctionCode,
} from "./codec";

/**
 * Configuration of a Modbus TCP connection of a collector, and the read plan derived from it.
 *
 *   { kind: "modbus", devices: [{ key, host, port, unitId, timeoutMs,
 *       pollGroups: [{ intervalMs, items: [{ tag, table, address, type, order, scale?, offset? }] }] }] }
 *
 * `address` is the PDU address, 0-based ([AP] §4.4: "data numbered X is addressed in the PDU
 * X-1"): holding register 40001 / "register 1" of a vendor manual is address 0 here.
 *
 * Every device gets its own TCP connection and request queue (see transport.ts), also when two
 * devices are unit ids behind the same gateway host:port: that costs a socket per unit but keeps
 * a silent unit from delaying the others (research anchors §2.2).
 */

const tableSchema = z.enum(["holding", "input", "coil", "discrete"]);

export const modbusItemSchema = z.object({
  /** `<installationKey>/<elementKey>/<variable>` (server/contracts/site `tagName`). */
  tag: z.string().min(1).max(200),
  table: tableSchema,
  address: z.number().int().min(0).max(MAX_ADDRESS),
  /** Required for register tables; bit tables (coil, discrete) are "bool" and may omit it. */
  type: z.enum(MODBUS_VALUE_TYPES).optional(),
  order: z.enum(MODBUS_BYTE_ORDERS).default("ABCD"),
  /** Engineering value = raw × scale + offset. */
  scale: z.number().finite().default(1),
  offset: z.number().finite().default(0),
});

export const modbusPollGroupSchema = z.object({
  intervalMs: z.number().int().min(50).max(3_600_000),
  items: z.array(modbusItemSchema).min(1),
});

export const modbusDeviceSchema = z.object({
  /** Unique within the connection; appears in status details and logs. */
  key: z.string().min(1).max(100),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(502),
  /** [TCP] §4.4.2: 255 (or 0) addresses a TCP device itself; 1 … 247 a unit behind a gateway. */
  unitId: z.number().int().min(0).max(255),
  /** Response timeout of one request; also bounds the TCP connect. */
  timeoutMs: z.number().int().min(10).max(60_000).default(1000),
  /** Device limits below the protocol's (some meters answer at most 32 or 64 registers). */
  maxRegistersPerRequest: z.number().int().min(1).max(MAX_READ_REGISTERS).default(MAX_READ_REGISTERS),
  maxBitsPerRequest: z.number().int().min(1).max(MAX_READ_BITS).default(MAX_READ_BITS),
  /**
   * Unused registers/bits a merged read may span between two items. Default 0: only overlapping
   * or adjacent items share a request, because many devices answer exception 02 for a read that
   * touches an unmapped address.
   */
  mergeGap: z.number().int().min(0).max(MAX_READ_REGISTERS - 1).default(0),
  pollGroups: z.array(modbusPollGroupSchema).min(1),
});

export const modbusConnectionConfigSchema = z
  .object({
    kind: z.literal("modbus"),
    devices: z.array(modbusDeviceSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const deviceKeys = new Set<string>();
    const tags = new Map<string, string>();
    config.devices.forEach((device, d) => {
      if (deviceKeys.has(device.key)) {
        ctx.addIssue({ code: "custom", path: ["devices", d, "key"], message: `clave de dispositivo repetida: ${device.key}` });
      }
      deviceKeys.add(device.key);
      device.pollGroups.forEach((group, g) => {
        group.items.forEach((item, i) => {
          const path = ["devices", d, "pollGroups", g, "items", i];
          const bits = isBitTable(item.table);
          if (bits && item.type !== undefined && item.type !== "bool") {
            ctx.addIssue({ code: "custom", path: [...path, "type"], message: `la tabla ${item.table} solo admite el tipo bool` });
          }
          if (!bits && item.type === undefined) {
            ctx.addIssue({ code: "custom", path: [...path, "type"], message: `indique el tipo del valor (int16, uint16, int32, uint32, float32, float64)` });
          }
          if (!bits && item.type === "bool") {
            ctx.addIssue({ code: "custom", path: [...path, "type"], message: `bool solo aplica a las tablas coil y discrete` });
          }
          const count = registerCount(item.type ?? "bool");
          if (item.address + count - 1 > MAX_ADDRESS) {
            ctx.addIssue({ code: "custom", path: [...path, "address"], message: `${item.type} en ${item.address} excede la dirección ${MAX_ADDRESS}` });
          }
          const previous = tags.get(item.tag);
          if (previous) {
            ctx.addIssue({ code: "custom", path: [...path, "tag"], message: `etiqueta repetida: ${item.tag} (ya la lee ${previous})` });
          } else {
            tags.set(item.tag, device.key);
          }
        });
      });
    });
  })
  .transform((config) => ({
    ...config,
    devices: config.devices.map((device) => ({
      ...device,
      pollGroups: device.pollGroups.map((group) => ({
        ...group,
        items: group.items.map((item) => ({ ...item, type: item.type ?? ("bool" as const) })),
      })),
    })),
  }));

export type ModbusConnectionConfigInput = z.input<typeof modbusConnectionConfigSchema>;
export type ModbusConnectionConfig = z.output<typeof modbusConnectionConfigSchema>;
export type ModbusDeviceConfig = ModbusConnectionConfig["devices"][number];
export type ModbusPollGroupConfig = ModbusDeviceConfig["pollGroups"][number];
export type ModbusItemConfig = ModbusPollGroupConfig["items"][number];

export class ModbusConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Configuración Modbus inválida:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ModbusConfigError";
  }
}

/** Parses a connection config; throws ModbusConfigError listing every bad key. */
export function parseModbusConfig(input: unknown): ModbusConnectionConfig {
  const result = modbusConnectionConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ModbusConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "(raíz)"}: ${issue.message}`));
  }
  return result.data;
}

// ── read plan ─────────────────────────────────────────────────────────────────────────────

/** One item served by a read block: its value starts `offset` registers/bits into the block. */
export interface PlannedItem {
  item: ModbusItemConfig;
  offset: number;
}

/** One read request (FC 01–04) and the items it serves. */
export interface ReadBlock {
  table: ModbusTable;
  functionCode: ReadFunctionCode;
  address: number;
  quantity: number;
  items: PlannedItem[];
}

export interface ReadPlanLimits {
  maxRegistersPerRequest: number;
  maxBitsPerRequest: number;
  mergeGap: number;
}

/**
 * Merges the items of one poll group into as few read requests as possible: per table, items
 * sorted by address are packed greedily into a block while the block stays within the request
 * limit ([AP] §6.1–6.4: 2000 bits, 125 registers, or the device's own lower limit) and the hole
 * to the previous item is at most `mergeGap`. Overlapping items (the same registers read as two
 * types or two tags) share the registers. With mergeGap 0 this greedy packing is minimal: each
 * block starts at the lowest address not yet covered (any plan must start a block there or
 * lower) and reaches as far as the limit allows.
 */
export function planReads(items: readonly ModbusItemConfig[], limits: ReadPlanLimits): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const tables: ModbusTable[] = ["coil", "discrete", "holding", "input"];
  for (const table of tables) {
    const max = isBitTable(table) ? limits.maxBitsPerRequest : limits.maxRegistersPerRequest;
    const sorted = items
      .filter((item) => item.table === table)
      .map((item) => ({ item, start: item.address, end: item.address + registerCount(item.type) }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    let current: { start: number; end: number; members: Array<{ item: ModbusItemConfig; start: number }> } | null = null;
    const close = (): void => {
      if (!current) return;
      const blockStart = current.start;
      blocks.push({
        table,
        functionCode: readFunctionCode(table),
        address: blockStart,
        quantity: current.end - blockStart,
        items: current.members.map((member) => ({ item: member.item, offset: member.start - blockStart })),
      });
      current = null;
    };
    for (const entry of sorted) {
      if (entry.end - entry.start > max) {
        // Only possible when a device limit is below 4 registers: read the value in its own request.
        throw new RangeError(`${entry.item.tag}: ${entry.item.type} ocupa ${entry.end - entry.start} registros y el dispositivo admite ${max} por solicitud`);
      }
      if (current && entry.start <= current.end + limits.mergeGap && Math.max(current.end, entry.end) - current.start <= max) {
        current.end = Math.max(current.end, entry.end);
        current.members.push({ item: entry.item, start: entry.start });
        continue;
      }
      close();
      current = { start: entry.start, end: entry.end, members: [{ item: entry.item, start: entry.start }] };
    }
    close();
  }
  return blocks;
}

/** The read plan of every poll group of a device (same order as `device.pollGroups`). */
export function planDevice(device: ModbusDeviceConfig): ReadBlock[][] {
  const limits: ReadPlanLimits = {
    maxRegistersPerRequest: device.maxRegistersPerRequest,
    maxBitsPerRequest: device.maxBitsPerRequest,
    mergeGap: device.mergeGap,
  };
  return device.pollGroups.map((group) => planReads(group.items, limits));
}

export type { ModbusByteOrder, ModbusTable, ModbusValueType };
