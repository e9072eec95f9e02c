export {
  createMeasurementSink,
  openMeasurementSink,
  notificationPayloads,
  NOTIFY_PAYLOAD_LIMIT_BYTES,
  type MeasurementSink,
  type MeasurementSinkDb,
  type MeasurementSinkOptions,
  type MeasurementSinkStats,
  type SpoolEvent,
} from "./measurement-sink";
