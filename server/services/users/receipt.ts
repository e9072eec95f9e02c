import type { SqlExecutor } from "../../../db/client";
import type { PasswordPolicy } from "../../domain/security/index";
import { readPasswordPolicy } from "../security/policy";
import { getUser, type UserView } from "./accounts";

/**
 * The user-assignment receipt ("responsiva", A30-SEC-07, Anexo 30 30.6.2 V c): who received which
 * account and profile, for whom (the taxpayer), under which password rules — for signature. It
 * never contains a password: the service does not have one to give.
 */
export interface AssignmentReceipt {
  user: UserView;
  taxpayer: { rfc: string; name: string } | null;
  installations: Array<{ key: string; description: string }>;
  policy: PasswordPolicy;
}

export async function readAssignmentReceipt(db: SqlExecutor, userId: number): Promise<AssignmentReceipt | null> {
  const user = await getUser(db, userId);
  if (!user) return null;
  const [taxpayers, installations, policy] = await Promise.all([
    db.query<{ rfc: string; name: string }>("select rfc, name from taxpayers order by id limit 1"),
    db.query<{ key: string; description: string }>("select key, description from installations where status = 'active' order by key limit 20"),
    readPasswordPolicy(db),
  ]);
  return { user, taxpayer: taxpayers[0] ?? null, installations, policy };
}
