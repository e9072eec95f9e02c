/**
 * Measurement domain (pure): units and reference conditions (A30-MS-08/09), strapping tables
 * (A30-MS-03/12), API MPMS 11.1-2004 volume correction and the UCC tank-reading computation
 * (A30-MS-18/22). Import from here, not from the files inside (aesthetics §5 convention 9).
 */
export * from "./result";
export * from "./units";
export * from "./strapping";
export * from "./tank-volume";
export * from "./vcf/index";
export * from "./tank-geometry";
