export {
  DEFAULT_HIGH_WATER_RATIO,
  DEFAULT_MAX_RECORD_READINGS,
  DEFAULT_SEGMENT_BYTES,
  DEFAULT_SPOOL_MAX_BYTES,
  openSpool,
  spoolDirFor,
  SpoolFullError,
  SpoolLockedError,
  type AppendReceipt,
  type Spool,
  type SpoolEvent,
  type SpoolOptions,
  type SpoolRecord,
  type SpoolState,
  type SpoolStatus,
} from "./spool";
export { columnsToReadings, type ReadingColumns } from "./record";
export { crc32 } from "./crc32";
