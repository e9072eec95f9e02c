import type { ChainVerification } from "./hash-chain";

/**
 * Completeness of the bitácora (A30-LOG-06, A30-REC-04): the hash chain finds altered entries and
 * holes in the middle; entries removed from the end leave an intact chain, so the last number is
 * compared with the register's counter (record_sequences 'event_log'), read before the entries.
 */
export function checkChainTail(verified: ChainVerification, lastVerifiedId: number, expectedLast: number): ChainVerification {
  if (!verified.ok || lastVerifiedId >= expectedLast) return verified;
  const missingFrom = lastVerifiedId + 1;
  return {
    ok: false,
    entries: verified.entries,
    firstBad: missingFrom,
    reason:
      missingFrom === expectedLast
        ? `falta la entrada ${expectedLast} (la numeración llegó a ${expectedLast})`
        : `faltan las entradas ${missingFrom} a ${expectedLast} (la numeración llegó a ${expectedLast})`,
  };
}

/** The contract output of `aforo bitacora verify` and POST /api/bitacora/verify (design.md §3). */
export function verificationContract(result: ChainVerification): { ok: boolean; entries: number; firstBad: number | null } {
  return { ok: result.ok, entries: result.entries, firstBad: result.firstBad };
}
