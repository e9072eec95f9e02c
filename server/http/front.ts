import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../../db/client";
import { FixedWindowLimiter } from "../domain/security/index";
import type { Logger } from "../platform/logger";
import { recordSecurityEvent, type SecurityEvent, type SecurityOutcome } from "../services/security/security-log";
import { CSRF_COOKIE, CSRF_HEADER, csrfCookie, csrfTokensMatch, newCsrfToken } from "./csrf";
import { hasSessionCookie, parseCookieHeader, readSessionCookie } from "./session-cookie";

/**
 * The HTTP front layer of the custom server (issue #5 items 8–10; A30-SEC-10, A30-SEC-15,
 * A30-SEC-18): every request passes here before Next.js. It
 *  - records the peer address as the client address (a client cannot choose its logged IP);
 *  - sets the security headers, with a per-request CSP nonce that Next.js puts on its scripts
 *    (no 'unsafe-inline' for scripts), frame-ancestors 'none', nosniff, referrer policy, HSTS;
 *  - refuses path traversal, oversized or unsized mutating bodies, and too many requests;
 *  - checks the CSRF token of cookie-authenticated API mutations and the origin of server actions;
 *  - writes the user-activity entries of the security log (page views, API calls, denials, errors).
 * Every refusal is a short JSON (or text) answer without internals.
 */
export interface FrontOptions {
  db: Database;
  logger: Logger;
  authSecret: string;
  tls: boolean;
  now: () => Date;
  limits?: Partial<FrontLimits>;
}

export interface FrontLimits {
  /** Log-in attempts per client address per minute. */
  loginPerMinute: number;
  /** API requests per client address per minute. */
  apiPerMinute: number;
  /** Largest request body accepted (bytes), by path prefix; `default` for the rest. */
  maxBodyBytes: Record<string, number> & { default: number };
}

export const DEFAULT_FRONT_LIMITS: FrontLimits = {
  loginPerMinute: 60,
  apiPerMinute: 1200,
  // A dictamen file (≤ 512 KiB) travels escaped inside JSON, so its import route gets more room. CFDI upload
  // (POST /api/cfdi, multipart, each XML ≤ 5 MiB): 6 MiB; its sub-routes (/api/cfdi/:id/links) keep 1 MiB.
  maxBodyBytes: { default: 1024 * 1024, "/api/auth/": 16 * 1024, "/api/dictamenes/import": 2 * 1024 * 1024, "/api/cfdi": 6 * 1024 * 1024, "/api/cfdi/": 1024 * 1024 },
};

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const UNLOGGED_PREFIXES = ["/_next/", "/socket.io/", "/favicon", "/api/health", "/api/auth/"];

export interface FrontLayer {
  /** true when the front layer answered the request itself (Next.js must not handle it). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Waits for the security-log entries still queued (graceful stop). */
  flush(): Promise<void>;
}

export function contentSecurityPolicy(nonce: string, tls: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React and Next set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(tls ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Paths that try to leave their folder (`..`, encoded slashes or dots, NUL, backslashes). */
export function isTraversalAttempt(rawUrl: string): boolean {
  const path = rawUrl.split("?")[0] ?? "";
  let decoded = path;
  for (let i = 0; i < 3; i += 1) {
    // An encoded slash, backslash or NUL at any decoding stage has no place in Aforo's paths.
    if (/%2f|%5c|%00/i.test(decoded)) return true;
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return true;
    }
  }
  return /(^|[/\\])\.\.([/\\]|$)/.test(decoded) || decoded.includes("\0") || decoded.includes("\\");
}

/**
 * Reads and drops a refused request's body so the client can finish sending and read the answer
 * (instead of a broken pipe), up to a bound; beyond it the connection is cut.
 */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;
function discardBody(req: IncomingMessage): void {
  let seen = 0;
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.on("error", () => undefined);
}

export function createFrontLayer(options: FrontOptions): FrontLayer {
  const limits: FrontLimits = { ...DEFAULT_FRONT_LIMITS, ...options.limits, maxBodyBytes: { ...DEFAULT_FRONT_LIMITS.maxBodyBytes, ...options.limits?.maxBodyBytes } };
  const loginLimiter = new FixedWindowLimiter(limits.loginPerMinute, 60_000);
  const apiLimiter = new FixedWindowLimiter(limits.apiPerMinute, 60_000);
  let queue: Promise<void> = Promise.resolve();

  function enqueue(entry: Parameters<typeof recordSecurityEvent>[1], at: Date): void {
    queue = queue
      .then(() => recordSecurityEvent(options.db, entry, at))
      .then(
        () => undefined,
        (error: unknown) => options.logger.error({ error: (error as Error).message, event: entry.event }, "no se pudo escribir la bitácora de seguridad"),
      );
  }

  function maxBodyFor(path: string): number {
    let best = limits.maxBodyBytes.default;
    let bestLength = -1;
    for (const [prefix, bytes] of Object.entries(limits.maxBodyBytes)) {
      if (prefix !== "default" && path.startsWith(prefix) && prefix.length > bestLength) {
        best = bytes;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, extra: Record<string, string> = {}): true {
    discardBody(req);
    res.statusCode = status;
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    for (const [key, value] of Object.entries(extra)) res.setHeader(key, value);
    // The body is drained, so the socket stays open until the client has sent it all: closing it
    // now would reset a client still writing (EPIPE / ECONNRESET instead of the answer).
    res.end(JSON.stringify({ error }));
    return true;
  }

  return {
    flush: () => queue,
    handle(req, res) {
      const method = (req.method ?? "GET").toUpperCase();
      const rawUrl = req.url ?? "/";
      const path = rawUrl.split("?")[0] ?? "/";
      const ip = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
      // The logged and rate-limited address is the TCP peer's, never a header the client chose.
      req.headers["x-forwarded-for"] = ip;
      delete req.headers["x-real-ip"];

      const nonce = randomBytes(16).toString("base64");
      const csp = contentSecurityPolicy(nonce, options.tls);
      // Next.js reads the nonce from the request's CSP header and adds it to its own scripts.
      req.headers["content-security-policy"] = csp;
      res.setHeader("Content-Security-Policy", csp);
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("X-Frame-Options", "DENY");
      res.setHeader("Referrer-Policy", "same-origin");
      res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
      res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
      if (options.tls) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");

      const cookies = parseCookieHeader(req.headers.cookie);
      if (!cookies.get(CSRF_COOKIE)) {
        const token = newCsrfToken();
        res.appendHeader("Set-Cookie", csrfCookie(token, options.tls));
      }

      const startedAt = options.now();
      const isApi = path.startsWith("/api/");
      let refusedEvent: SecurityEvent | null = null;
      const userAgent = typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null;

      // Log the request once it is answered (user activity, denials, errors: A30-SEC-10).
      res.once("finish", () => {
        if (!refusedEvent && UNLOGGED_PREFIXES.some((prefix) => path.startsWith(prefix)) && res.statusCode < 500) return;
        const isPageView =
          !isApi && method === "GET" && (req.headers["sec-fetch-dest"] === "document" || req.headers.rsc === "1") && !req.headers["next-router-prefetch"];
        const status = res.statusCode;
        let event: SecurityEvent;
        let outcome: SecurityOutcome;
        if (refusedEvent) [event, outcome] = [refusedEvent, "denied"];
        else if (status >= 500) [event, outcome] = ["error", "error"];
        else if (status === 401 || status === 403) [event, outcome] = ["access_denied", "denied"];
        else if (isApi) [event, outcome] = ["api_call", status < 400 ? "success" : "failure"];
        else if (isPageView && status < 400) [event, outcome] = ["page_view", "success"];
        else return;
        void readSessionCookie(cookies, options.authSecret).then((claims) => {
          if (!claims && event === "page_view") return;
          enqueue(
            {
              event,
              outcome,
              username: claims?.username ?? "anónimo",
              userId: claims && /^\d+$/.test(claims.userId) ? Number(claims.userId) : null,
              sessionId: claims?.sessionId ?? null,
              ip,
              userAgent,
              detail: { method, path: path.slice(0, 300), status },
            },
            startedAt,
          );
        });
      });

      // NUL has no place in a path or a query (PostgreSQL text cannot even hold it).
      if (isTraversalAttempt(rawUrl) || /%00/.test(rawUrl)) {
        refusedEvent = "request_rejected";
        return refuse(req, res, 400, "ruta inválida");
      }

      const isLogin = method === "POST" && (path === "/api/auth/callback/credentials" || (path === "/login" && Boolean(req.headers["next-action"])));
      if (isLogin && !loginLimiter.take(ip, startedAt.getTime()).allowed) {
        refusedEvent = "rate_limited";
        return refuse(req, res, 429, "demasiados intentos de inicio de sesión desde esta dirección; espere un minuto", { "Retry-After": "60" });
      }
      if (isApi) {
        const decision = apiLimiter.take(ip, startedAt.getTime());
        if (!decision.allowed) {
          refusedEvent = "rate_limited";
          return refuse(req, res, 429, "demasiadas solicitudes; intente de nuevo en unos segundos", { "Retry-After": String(decision.retryAfterS) });
        }
      }

      if (MUTATING.has(method)) {
        const length = req.headers["content-length"];
        const max = maxBodyFor(path);
        if (length === undefined && req.headers["transfer-encoding"]) {
          refusedEvent = "request_rejected";
          return refuse(req, res, 411, "indique Content-Length: no se aceptan cuerpos de tamaño desconocido");
        }
        if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > max)) {
          refusedEvent = "request_rejected";
          return refuse(req, res, 413, `el cuerpo de la solicitud excede el máximo de ${Math.round(max / 1024)} KiB`);
        }
        const origin = req.headers.origin;
        const host = req.headers.host;
        if (origin && host && origin !== "null") {
          let originHost: string | null = null;
          try {
            originHost = new URL(origin).host;
          } catch {
            originHost = null;
          }
          if (originHost !== host) {
            refusedEvent = "csrf_rejected";
            return refuse(req, res, 403, "origen de la solicitud no permitido");
          }
        } else if (origin === "null") {
          refusedEvent = "csrf_rejected";
          return refuse(req, res, 403, "origen de la solicitud no permitido");
        }
        if (isApi && !path.startsWith("/api/auth/") && hasSessionCookie(cookies) && !csrfTokensMatch(cookies.get(CSRF_COOKIE), req.headers[CSRF_HEADER])) {
          refusedEvent = "csrf_rejected";
          return refuse(req, res, 403, "token CSRF ausente o inválido: envíe el valor de la cookie aforo-csrf en la cabecera x-csrf-token");
        }
        // Server actions (POST to a page): a browser always sends Origin; none means not a browser form.
        if (!isApi && !origin && req.headers["next-action"]) {
          refusedEvent = "csrf_rejected";
          return refuse(req, res, 403, "origen de la solicitud no permitido");
        }
      }
      return false;
    },
  };
}
