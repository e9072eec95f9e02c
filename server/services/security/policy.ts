import type { SqlExecutor } from "../../../db/client";
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy, type PasswordPolicy } from "../../domain/security/index";
import { readEffectiveSetting } from "../settings/store";

/** The access-control parameters in force (A30-SEC-02), from the settings catalogue's `security.*` keys. */
export async function readPasswordPolicy(db: SqlExecutor): Promise<PasswordPolicy> {
  const [minLength, expiryDays] = await Promise.all([
    readEffectiveSetting<number>(db, "security.password_min_length"),
    readEffectiveSetting<number>(db, "security.password_expiry_days"),
  ]);
  return { minLength, expiryDays };
}

export async function readLockoutPolicy(db: SqlExecutor): Promise<LockoutPolicy> {
  const [threshold, baseLockS] = await Promise.all([
    readEffectiveSetting<number>(db, "security.lockout_threshold"),
    readEffectiveSetting<number>(db, "security.lockout_base_s"),
  ]);
  return { threshold, baseLockS, maxLockS: DEFAULT_LOCKOUT_POLICY.maxLockS };
}
