/** Quality services (issue #6 item 5; A30-TYP-01…10, A32-01…12): dictámenes, online instruments, lots, DI- import. */
export { correctDictamen, createDictamen, dictamenInputFromView, listDictamenes, readDictamen, prepareDictamen } from "./dictamenes";
export type { DictamenView } from "./dictamenes";
export { recordInstrumentQuality } from "./instrument";
export { importDictamenFile, diFileToInput } from "./import";
export { linkOperationsToLot, listLots, listPendingOperations, currentQualityRecord, QualityError } from "./lots";
export type { Actor, LotView, PendingOperation, LinkedOperation } from "./lots";
export {
  dictamenInputSchema,
  dictamenCorrectionSchema,
  instrumentQualitySchema,
  lotLinkSchema,
  dictamenImportSchema,
  diFileSchema,
  qualityListQuerySchema,
  lotIdSchema,
  LOT_KIND_LABELS,
  MAX_DICTAMEN_FILE_BYTES,
} from "./schemas";
export type { DictamenInput, DictamenCorrectionInput, InstrumentQualityInput, LotLinkInput, DictamenImportInput, DiFile } from "./schemas";
export { qualityErrorResponse } from "./http";
