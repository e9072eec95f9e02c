import { z } from "zod";

/** The four Anexo 30 profiles (A30-ACC-02), exactly. */
export const ROLE_KEYS = ["administrador", "supervisor", "operador", "auditor_fiscal"] as const;
export const roleKeySchema = z.enum(ROLE_KEYS);
export type RoleKey = z.infer<typeof roleKeySchema>;

export const ROLE_LABELS: Record<RoleKey, string> = {
  administrador: "Administrador",
  supervisor: "Supervisor",
  operador: "Operador",
  auditor_fiscal: "Auditor Fiscal",
};
