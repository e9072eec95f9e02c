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
  // Issue #5: users, own account, access review (A30-ACC-04/05, A30-SEC-03/04/05/08) and the security log (A30-SEC-10).
  "GET /api/users": "manageUsers",
  "POST /api/users": "manageUsers",
  "GET /api/users/:id": "manageUsers",
  "PATCH /api/users/:id": "manageUsers",
  "POST /api/users/:id/reset-password": "manageUsers",
  "POST /api/account/password": "ownAccount",
  "GET /api/access-review": "manageUsers",
  "POST /api/access-review": "manageUsers",
  "GET /api/security-log": "viewSecurityLog",
  "GET /api/security-log/export": "viewSecurityLog",
  // Issue #6 item 13: JSON/XML export of stored record sets (30.6.1.3 II c), "view stored information".
  "GET /api/export": "view",
  // Issue #6 items 4–5: pedimentos (A30-PED-02…07), dictámenes and lot quality data (A30-TYP-01…10, A32-01…12);
  // capture is "Captura de CFDI, pedimentos, dictámenes" (captureFiscalData: Administrador, Supervisor).
  "GET /api/pedimentos": "view",
  "POST /api/pedimentos": "captureFiscalData",
  "POST /api/pedimentos/:id/correct": "captureFiscalData",
  "POST /api/pedimentos/:id/links": "captureFiscalData",
  "GET /api/dictamenes": "view",
  "POST /api/dictamenes": "captureFiscalData",
  "POST /api/dictamenes/import": "captureFiscalData",
  "POST /api/dictamenes/:id/correction": "captureFiscalData",
  "POST /api/lots/:id/links": "captureFiscalData",
  // Issue #6 item 6: CSD certificates (A30-CSD-01…04). A30-ACC-03 "Manage CSD certificates" is
  // Administrador only, reading the list included (subjects, serials, validity of the seal keys).
  "GET /api/certificates": "manageCertificates",
  "POST /api/certificates": "manageCertificates",
  // Issue #6 items 1 and 3: CFDI import and CFDI ↔ operation links (A30-CFDI-01…08); reading is every profile's,
  // capture and (un)linking is "Captura de CFDI" (captureFiscalData: Administrador, Supervisor, A30-ACC-03).
  "GET /api/cfdi": "view",
  "POST /api/cfdi": "captureFiscalData",
  "GET /api/cfdi/:id": "view",
  "POST /api/cfdi/:id/links": "captureFiscalData",
  "POST /api/cfdi/:id/status": "captureFiscalData",
  // Issue #6 items 9, 10, 12: SAT reports. Reading, preview, print, downloads and verification are
  // "Consulta e impresión de informes" (reports: Administrador, Supervisor, Auditor Fiscal; A30-ACC-03/08).
  // Generating, sealing and recording the delivery store fiscal records: Administrador, Supervisor
  // (captureFiscalData — the fiscal-data writers; the Auditor Fiscal stays read-only).
  "GET /api/reports": "reports",
  "POST /api/reports": "captureFiscalData",
  "GET /api/reports/precheck": "reports",
  "GET /api/reports/:id": "reports",
  "GET /api/reports/:id/download": "reports",
  "GET /api/reports/:id/verify": "reports",
  "POST /api/reports/:id/seal": "captureFiscalData",
  "POST /api/reports/:id/sent": "captureFiscalData",
};

/**
 * Mutating routes the Auditor Fiscal may still call: verifying the bitácora's integrity is a
 * consultation (its automatic entry records who asked), and every person must be able to replace
 * their own password (A30-ACC-05 forced change, A30-SEC-08 expiry) — no fiscal or volumetric data.
 */
export const READ_ONLY_MUTATIONS: ReadonlySet<string> = new Set(["POST /api/bitacora/verify", "POST /api/account/password"]);

/**
 * Every socket.io event a browser may send, with the permission it needs (A30-ACC-03). The
 * handshake itself needs a live session without a pending password change.
 */
export const SOCKET_EVENT_POLICY = {
  subscribe: "view",
  unsubscribe: "view",
} as const satisfies Record<string, Permission>;

/**
 * Every server action ("use server" function) with its rule: `public` for the log-in form,
 * `session` for what any signed-in person may do (log out). A unit test finds every "use server"
 * function under app/ and fails when one is missing here (A30-ACC-03, issue #5 item 7).
 */
export const SERVER_ACTION_POLICY: Record<string, Permission | "public" | "session"> = {
  "app/login/actions.ts#logIn": "public",
  "app/(panel)/layout.tsx#logOut": "session",
  "app/cambiar-contrasena/page.tsx#logOut": "session",
};
