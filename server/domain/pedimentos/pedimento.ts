/**
 * Pedimentos (Anexo 30, 30.6.1.2.5; A30-PED-02…05). Pure normalisation and checks.
 */
/** Customs offices SAT's report schemas accept (pattern of the complements, A30-PED-03). */
const ADUANAS = "(0[1-2]|0[5-8]|1[1-2]|14|1[6-9]|20|2[2-8]|3[0-1]|3[3-4]|3[7-9]|40|4[2-4]|4[6-8]|5[0-3]|6[4-5]|67|73|75|8[0-4])";
/** Exactly the SAT schema pattern (two spaces between groups). */
export const PEDIMENTO_PATTERN = new RegExp(`^[0-9]{2}  ${ADUANAS}  [0-9]{4}  [0-9](?!0{6})[0-9]{6}$`);

/**
 * A30-PED-03: 15 digits (year 2, aduana 2, patente 4, consecutive 7) typed with any spacing →
 * `YY  AA  PPPP  NNNNNNN`. `23 47 3456 3001234` and `234734563001234` → `23  47  3456  3001234`.
 */
export function normalisePedimentoNumber(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const digits = raw.replace(/[\s-]/g, "");
  if (!/^[0-9]{15}$/.test(digits)) return { ok: false, error: `número de pedimento «${raw}»: se esperan 15 dígitos (año 2, aduana 2, patente 4, consecutivo 7)` };
  const value = `${digits.slice(0, 2)}  ${digits.slice(2, 4)}  ${digits.slice(4, 8)}  ${digits.slice(8)}`;
  if (!new RegExp(`^[0-9]{2}  ${ADUANAS}  `).test(value)) return { ok: false, error: `número de pedimento «${raw}»: la aduana ${digits.slice(2, 4)} no está en el catálogo del SAT` };
  if (!PEDIMENTO_PATTERN.test(value)) return { ok: false, error: `número de pedimento «${raw}»: el consecutivo no puede terminar en 000000` };
  return { ok: true, value };
}

/** A30-PED-04: SAT report catalogue plus DPU (Incoterms 2020), exported as DAT with a warning. */
export const SAT_INCOTERMS = ["CFR", "CIF", "CPT", "CIP", "DAF", "DAP", "DAT", "DES", "DEQ", "DDU", "DDP", "EXW", "FCA", "FAS", "FOB"] as const;

export function checkIncoterm(raw: string): { ok: true; value: string; exported: string; warning: string | null } | { ok: false; error: string } {
  const value = raw.trim().toUpperCase();
  if (value === "DPU") return { ok: true, value, exported: "DAT", warning: "Incoterm DPU (2020) se reporta como DAT: el catálogo del SAT no lo incluye" };
  if ((SAT_INCOTERMS as readonly string[]).includes(value)) return { ok: true, value, exported: value, warning: null };
  return { ok: false, error: `Incoterm «${raw}» desconocido; use uno de: ${[...SAT_INCOTERMS, "DPU"].join(", ")}` };
}

/** A30-PED-02: transport means of the SAT catalogue. */
export const TRANSPORT_MEANS: Record<string, string> = {
  "1": "Marítimo",
  "2": "Ferroviario de doble estiba",
  "3": "Carretero-Ferroviario",
  "6": "Ferroviario",
  "7": "Carretero",
  "8": "Tubería",
  "11": "Ductos",
};

/** A30-PED-05: tariff fraction + NICO per SAT product key; a mismatch is a warning, not a block. */
const FRACTIONS_BY_PRODUCT: Record<string, string[]> = {
  PR07: ["2710.12.99-04", "2710.12.99-05", "2710.12.99-06", "2710.12.99-91"],
  PR18: ["2710.12.99-03"],
  PR03: ["2710.19.99-03", "2710.19.99-04", "2710.19.99-91", "2710.20.01-00"],
  PR13: ["2710.19.99-05"],
  PR11: ["2710.19.99-08"],
  PR14: ["2711.12.01-00"],
  PR12: ["2711.19.01-00"],
  PR15: ["3826.00.01-00"],
};

/** Gasoline NICO by octane index (A30-PED-05): 04 < 87, 05 87–<92, 06 92–<95. */
function gasolineNicoForOctane(index: number): string | null {
  if (index < 87) return "04";
  if (index < 92) return "05";
  if (index < 95) return "06";
  return null;
}

export function tariffFractionWarnings(productKey: string, fraction: string, octaneIndex?: number | null): string[] {
  const warnings: string[] = [];
  const allowed = FRACTIONS_BY_PRODUCT[productKey];
  if (allowed && !allowed.includes(fraction)) warnings.push(`fracción no corresponde al producto: ${fraction} no es una fracción de ${productKey} (${allowed.join(", ")})`);
  if (productKey === "PR07" && octaneIndex != null && fraction.startsWith("2710.12.99-")) {
    const expected = gasolineNicoForOctane(octaneIndex);
    const nico = fraction.slice(-2);
    if (expected && ["04", "05", "06"].includes(nico) && nico !== expected) {
      warnings.push(`el NICO ${nico} no corresponde al índice de octano ${octaneIndex} del dictamen (se esperaba ${expected})`);
    }
  }
  return warnings;
}

/** A30-PED-07: "vinculado 60,000 / 60,000 L". */
export function linkedVolumeSummary(declaredL: number, linkedL: readonly number[]): { linkedL: number; declaredL: number; complete: boolean; label: string } {
  const linked = Math.round(linkedL.reduce((a, b) => a + b, 0) * 1000) / 1000;
  const format = (v: number) => new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 }).format(v);
  return { linkedL: linked, declaredL, complete: Math.abs(linked - declaredL) < 0.0005, label: `vinculado ${format(linked)} / ${format(declaredL)} L` };
}
