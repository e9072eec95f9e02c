import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, inet, integer, jsonb, pgTable, text, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { ROLE_KEYS, SECURITY_OUTCOMES } from "./enums";
import { checkIn, timestamptz } from "./internal";

/** A30-ACC-02: the four Anexo 30 profiles, seeded by db/seed/catalogs.ts; no others can exist. */
export const roles = pgTable(
  "roles",
  {
    key: text("key", { enum: ROLE_KEYS }).primaryKey(),
    /** es-MX label: Administrador, Supervisor, Operador, Auditor Fiscal. */
    nameEs: text("name_es").notNull(),
  },
  (t) => [checkIn("roles_key_check", t.key, ROLE_KEYS)],
);

/** A30-ACC-01/04/05, A30-SEC-05/06/08: user accounts. */
export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** Log-in name, stored lower-case; unique. */
    username: text("username").notNull().unique(),
    displayName: text("display_name").notNull(),
    /** Exactly one profile per user (A30-ACC-02). */
    role: text("role", { enum: ROLE_KEYS })
      .notNull()
      .references(() => roles.key),
    /** scrypt hash `scrypt$N$r$p$salt$hash` (server/platform/password-hash.ts, A30-SEC-06); never plaintext. */
    passwordHash: text("password_hash").notNull(),
    /** A30-ACC-05: true for new users and after an administrator reset. */
    mustChangePassword: boolean("must_change_password").notNull().default(true),
    /** A30-ACC-05: the pending change comes from an administrator's reset (not a first log-in). */
    passwordResetPending: boolean("password_reset_pending").notNull().default(false),
    /** A30-SEC-08: expiry is counted from here. */
    passwordChangedAt: timestamptz("password_changed_at").notNull().defaultNow(),
    active: boolean("active").notNull().default(true),
    failedLoginCount: integer("failed_login_count").notNull().default(0),
    lockedUntil: timestamptz("locked_until"),
    /** A30-SEC-04 access review report: last successful log-in. */
    lastLoginAt: timestamptz("last_login_at"),
    /** A30-ACC-03: an Auditor Fiscal may see the security log only if an Administrador grants it. */
    canViewSecurityLog: boolean("can_view_security_log").notNull().default(false),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references((): AnyPgColumn => users.id),
    /** A30-SEC-03/04: when the profile was last assigned (access review: unchanged privileges). */
    roleChangedAt: timestamptz("role_changed_at").notNull().defaultNow(),
  },
  (t) => [
    check("users_username_check", sql`${t.username} ~ '^[a-z0-9._-]{1,64}$'`),
    check("users_failed_login_count_check", sql`${t.failedLoginCount} >= 0`),
    check("users_security_log_grant_check", sql`not ${t.canViewSecurityLog} or ${t.role} in ('administrador', 'auditor_fiscal')`),
  ],
);

/** Server-side sessions: idle expiry ≤ 10 min (A30-SEC-09), revocation, and the session bound to each fiscal action (A30-SEC-15). */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    ip: inet("ip"),
    userAgent: text("user_agent"),
    revokedAt: timestamptz("revoked_at"),
    /** user | idle | admin | password_change… */
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/** A30-SEC-05: full history of password hashes (no reuse of any previous password). */
export const passwordHistory = pgTable(
  "password_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [index("password_history_user_idx").on(t.userId, t.createdAt)],
);

/**
 * A30-SEC-10 security log (30.6.2 VII), distinct from the bitácora: log-ins (failed and
 * successful), session start/end, idle close, user activity, consultations of the logs,
 * errors/exceptions, database/OS security events. Kept ≥ 6 months (A30-STO-06).
 */
export const securityLog = pgTable(
  "security_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    time: timestamptz("time").notNull().defaultNow(),
    /** Name attempted or logged in ('sistema' for server events). */
    username: text("username").notNull(),
    userId: integer("user_id").references(() => users.id),
    ip: inet("ip"),
    userAgent: text("user_agent"),
    /** MAC address when obtainable, otherwise 'no disponible' (A30-SEC-10 decision). */
    macAddress: text("mac_address").notNull().default("no disponible"),
    /** login, logout, idle_logout, session_start, page_view, api_call, log_view, error, db_event, os_event… */
    event: text("event").notNull(),
    outcome: text("outcome", { enum: SECURITY_OUTCOMES }).notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    sessionId: uuid("session_id").references(() => userSessions.id),
  },
  (t) => [checkIn("security_log_outcome_check", t.outcome, SECURITY_OUTCOMES), index("security_log_time_idx").on(t.time)],
);

/**
 * Issue #5 item 5: consecutive failed log-ins per attempted name (existing or not, so answers do
 * not reveal which names exist) and the lock they impose (server/domain/security/login-throttle).
 */
export const loginThrottles = pgTable("login_throttles", {
  /** Attempted name, lower-case, at most 64 characters. */
  username: text("username").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lockedUntil: timestamptz("locked_until"),
  lastFailureAt: timestamptz("last_failure_at"),
});

/** A30-SEC-04 (30.6.2 IV): each six-monthly review of users and privileges, with its bitácora entry. */
export const accessReviews = pgTable("access_reviews", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  reviewedAt: timestamptz("reviewed_at").notNull().defaultNow(),
  reviewedBy: integer("reviewed_by")
    .notNull()
    .references(() => users.id),
  /** Number of accounts listed in the review. */
  usersReviewed: integer("users_reviewed").notNull(),
  notes: text("notes"),
  /** The users, profiles and last log-ins as reviewed (snapshot). */
  snapshot: jsonb("snapshot").$type<unknown[]>().notNull(),
  eventLogId: bigint("event_log_id", { mode: "number" }),
});
