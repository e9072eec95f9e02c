/**
 * Operations domain (pure): reception detection from tank stock series, sale detection from hose
 * totalizers, and the record rules (completeness, source keys, validation, corrections).
 * A30-REC-01/03/05/07, A30-MS-18/20, A30-ALM-08, A30-LOG-10.
 */
export * from "./reception-detector";
export * from "./sale-detector";
export * from "./record";
export * from "./duct-batch-detector";
