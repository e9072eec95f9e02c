import type { Permission } from "./permissions";

/**
 * Every API route and the rule that guards it (A30-ACC-01/03): a permission of the matrix in
 * `permissions.ts`, or `public` for the two that must answer without a session (health and
 * Auth.js's own endpoints). `test/unit/server/contracts/route-policy.test.ts` reads the route
 * files: a route missing here, an entry without a route, or a handler that does not ask for the
 * permission listed fails the build.
 */
export type RoutePolicy = Permission | "public";

export const ROUTE_POLICY: Record<string, RoutePolicy> = {
  "GET /api/health": "public",
  "GET /api/auth/*": "public",
  "POST /api/auth/*": "public",
  "GET /api/installations": "view",
  "GET /api/alarms": "view",
  "POST /api/alarms": "writeEventLog",
  "GET /api/alarms/:id": "view",
  "POST /api/alarms/:id/:action": "handleAlarms",
  "GET /api/bitacora": "viewEventLog",
  "POST /api/bitacora": "writeEventLog",
  "POST /api/bitacora/verify": "viewEventLog",
  "GET /api/diagnostics": "view",
  "POST /api/diagnostics/self-test": "configure",
  "GET /api/inventory": "view",
  "GET /api/operations": "view",
  "POST /api/operations": "captureManualOperations",
  "POST /api/operations/:id/confirm": "captureManualOperations",
  "POST /api/operations/:id/correct": "captureManualOperations",
  "GET /api/operations/:id/versions": "view",
  "GET /api/process-losses": "view",
  "POST /api/process-losses": "captureFiscalData",
  "GET /api/settings": "view",
  "PUT /api/settings/:key": "configure",
};

/**
 * Mutating routes the Auditor Fiscal may still call because they only read: verifying the
 * bitácora's integrity is a consultation (its automatic entry records who asked).
 */
export const READ_ONLY_MUTATIONS: ReadonlySet<string> = new Set(["POST /api/bitacora/verify"]);
