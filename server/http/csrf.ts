import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * CSRF protection of the API (issue #5 item 10, A30-SEC-15): double-submit token. The server sets
 * a random token in a cookie that scripts of this origin can read (not HttpOnly, SameSite=Strict);
 * every mutating `/api/*` request that carries a session cookie must echo it in the header
 * `x-csrf-token`. Another site can make the browser send the cookie but cannot read it, so it
 * cannot forge the header. Auth.js's own endpoints keep Auth.js's token; server actions are
 * checked by origin.
 */
export const CSRF_COOKIE = "aforo-csrf";
export const CSRF_HEADER = "x-csrf-token";

export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

export function csrfTokensMatch(cookieValue: string | undefined, headerValue: string | string[] | undefined): boolean {
  if (!cookieValue || typeof headerValue !== "string" || cookieValue.length < 32) return false;
  const a = Buffer.from(cookieValue);
  const b = Buffer.from(headerValue);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function csrfCookie(token: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${token}; Path=/; SameSite=Strict${secure ? "; Secure" : ""}`;
}
