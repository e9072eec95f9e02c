import { decode } from "next-auth/jwt";

/**
 * Reading Auth.js's session cookie outside Auth.js (socket.io handshake, the HTTP front layer, the
 * "why did my session end" lookup). The cookie is a JWE sealed with AUTH_SECRET and salted with
 * the cookie's name, so a tampered or forged cookie decodes to nothing.
 */
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export interface SessionCookieClaims {
  sessionId: string;
  userId: string;
  username: string;
  role: string;
}

export function parseCookieHeader(header: string | undefined | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

export function hasSessionCookie(cookies: Map<string, string>): boolean {
  return SESSION_COOKIES.some((name) => cookies.has(name) || cookies.has(`${name}.0`));
}

/** The claims of a valid session cookie, or null (absent, expired, forged or tampered). */
export async function readSessionCookie(cookies: Map<string, string>, secret: string): Promise<SessionCookieClaims | null> {
  for (const name of SESSION_COOKIES) {
    const token = cookies.get(name);
    if (!token) continue;
    try {
      const decoded = await decode({ token, secret, salt: name });
      if (!decoded?.sub || typeof decoded.sid !== "string" || typeof decoded.username !== "string" || typeof decoded.role !== "string") return null;
      if (typeof decoded.exp === "number" && decoded.exp * 1000 < Date.now()) return null;
      return { sessionId: decoded.sid, userId: decoded.sub, username: decoded.username, role: decoded.role };
    } catch {
      return null;
    }
  }
  return null;
}
