import type { DailySnapshotTaxpayer } from "../../server/domain/sat-report/daily-builder";

/** The taxpayer of the SAT report unit fixtures: SAT's public test RFC, a permit holder. */
export function testTaxpayer(): DailySnapshotTaxpayer {
  return {
    rfc: "EKU9003173C9",
    legalRepresentativeRfc: "CACX7605101P8",
    providerRfcs: ["IIA040805DZ4"],
    character: "permisionario",
    permitModality: null,
    permitNumber: null,
    contractOrAssignmentNumber: null,
  };
}
