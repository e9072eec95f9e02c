/**
 * CFDI services (issue #6 items 1 and 3; A30-CFDI-01…08): import (upload, watched folder),
 * automatic and manual CFDI ↔ operation links, and the reads of the CFDI screens.
 */
export { importCfdi, safeFileName, MAX_CFDI_BYTES } from "./import";
export type { ImportCfdiInput, ImportCfdiResult, ImportedCfdi, ImportRejectionCode } from "./import";
export { linkCfdi, unlinkCfdi, runCfdiMatching, suggestionsForCfdi } from "./links";
export type { AutomaticLink, LinkResult } from "./links";
export { listCfdi, listUnmatchedCfdi, getCfdiDetail, listOperationsWithoutCfdi, cfdiForOperation } from "./queries";
export type { CfdiListItem, CfdiDetail, CfdiFilter, CfdiLinkView, OperationWithoutCfdi, OperationCfdi } from "./queries";
export { cfdiInboxJob, createCfdiInbox, CFDI_INBOX_DIR, PROCESSED_DIR, REJECTED_DIR } from "./inbox-job";
export type { CfdiInbox, CfdiInboxOptions, InboxScanSummary } from "./inbox-job";
export { CfdiError, SYSTEM_ACTOR, PURPOSE_LABEL, decimalText } from "./common";
export { changeCfdiStatus, cfdiStatusSchema } from "./status";
export type { CfdiStatusInput, CfdiStatusResult } from "./status";
export type { CfdiActor, CfdiPurpose } from "./common";
