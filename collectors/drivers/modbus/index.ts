/** Public surface of the Modbus TCP driver (codec and transport stay importable for tests). */
export { createModbusDriver } from "./modbus-driver";
export type { ModbusDriver, ModbusDriverOptions, ModbusDeviceStatus, ModbusDeviceCounters } from "./modbus-driver";
export { modbusConnectionConfigSchema, parseModbusConfig, planReads, planDevice, ModbusConfigError } from "./config";
export type {
  ModbusConnectionConfig,
  ModbusConnectionConfigInput,
  ModbusDeviceConfig,
  ModbusItemConfig,
  ModbusPollGroupConfig,
  ReadBlock,
} from "./config";
export type { ModbusByteOrder, ModbusTable, ModbusValueType } from "./codec";
