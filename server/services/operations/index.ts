/** Operations services (issue #4 item 1): detection job, ATG delivery reports, user actions, queries. */
export { runOperationDetection, operationDetectionJob, tankCheckpointKey, hoseCheckpointKey } from "./detection-job";
export type { OperationDetectionOptions, DetectionRunSummary } from "./detection-job";
export { recordAtgDelivery, atgReportFromCollector } from "./atg-delivery";
export type { AtgDeliveryReport } from "./atg-delivery";
export { storeAutomaticOperation } from "./store";
export type { StoreOutcome } from "./store";
export {
  registerManualOperation,
  confirmOperation,
  correctOperation,
  annotateOperation,
  linkTransportMeans,
  OperationActionError,
} from "./user-actions";
export type { Actor } from "./user-actions";
export {
  raiseIncompleteRecordAlarms,
  incompleteRecordsJob,
  readIncompleteGraceHours,
  saveIncompleteGraceHours,
  clearIncompleteRecordAlarm,
  listUndocumentedReceptions,
  graceHoursSchema,
  INCOMPLETE_GRACE_SETTING,
  DEFAULT_INCOMPLETE_GRACE_HOURS,
  UNDOCUMENTED_AFTER_HOURS,
} from "./incomplete-records";
export type { UndocumentedReception, IncompleteRunSummary } from "./incomplete-records";
export { listOperationVersions } from "../../../db/repositories/operations";
export { listCurrentOperations as listOperations, getCurrentVersion as getOperation } from "../../../db/repositories/operations";
export type { OperationRow, OperationFilter } from "../../../db/repositories/operations";
