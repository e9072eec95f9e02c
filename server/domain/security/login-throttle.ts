/**
 * Lock-out after repeated failed log-ins (issue #5 item 5, A30-SEC-02): after `threshold`
 * consecutive failures a name is locked for `baseLockS`, doubling with each further failure up to
 * `maxLockS`. The state is kept per *attempted name*, whether or not such a user exists, so the
 * answers to a log-in never reveal which names are real. Pure: the caller stores the state.
 */
export interface LockoutPolicy {
  threshold: number;
  baseLockS: number;
  maxLockS: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { threshold: 5, baseLockS: 60, maxLockS: 3600 };

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

export const EMPTY_THROTTLE: ThrottleState = { failures: 0, lockedUntil: null };

/** Seconds the name stays locked at `now` (0 = may try). */
export function lockRemainingS(state: ThrottleState, now: Date): number {
  if (!state.lockedUntil) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** Length of the lock imposed by the `failures`-th consecutive failure (0 below the threshold). */
export function lockDurationS(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.maxLockS, policy.baseLockS * 2 ** doublings);
}

/** The state after one more failed attempt at `now`. */
export function afterFailure(state: ThrottleState, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): ThrottleState {
  const failures = state.failures + 1;
  const lockS = lockDurationS(failures, policy);
  return { failures, lockedUntil: lockS > 0 ? new Date(now.getTime() + lockS * 1000) : state.lockedUntil };
}

export function lockedMessage(remainingS: number): string {
  const minutes = Math.ceil(remainingS / 60);
  return remainingS < 90
    ? `Demasiados intentos fallidos: espere ${remainingS} s antes de volver a intentar.`
    : `Demasiados intentos fallidos: espere ${minutes} min antes de volver a intentar.`;
}
