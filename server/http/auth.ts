import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { ABSOLUTE_SESSION_S, MAX_PASSWORD_LENGTH, type PasswordChangeReason } from "../domain/security/index";
import { clientIpOf } from "../services/alarms/rejected-login";
import { attemptLogin } from "../services/security/login";
import { readPasswordPolicy } from "../services/security/policy";
import { endSession, resolveSession } from "../services/security/sessions";
import { getRuntime } from "./runtime";
import type { RoleKey } from "../contracts/roles";

/**
 * Auth.js (next-auth v5) with the credentials provider: fields `username` and `password` at the
 * standard endpoints (design.md §3 "Log-in"). The signed JWT cookie carries only the id of a
 * server-side session (`user_sessions`); every `auth()` asks server/services/security/sessions
 * whether it is still alive — idle ≤ AFORO_IDLE_TIMEOUT_S (A30-SEC-09), not logged out, account
 * unchanged — and reloads the profile from the database, so a revoked or idle session stops
 * working on the server whatever the browser keeps.
 */

declare module "next-auth" {
  interface Session {
    user: {
      id: string;
      sessionId: string;
      username: string;
      role: RoleKey;
      /** Non-null: the user may only register a new password (A30-ACC-05, A30-SEC-08). */
      passwordChange: PasswordChangeReason | null;
      canViewSecurityLog: boolean;
    } & DefaultSession["user"];
  }
  interface User {
    username: string;
    role: RoleKey;
    sessionId: string;
    passwordChange: PasswordChangeReason | null;
  }
}

/** Requests sent by a page on its own (polling) carry this header: they are not user activity. */
export const BACKGROUND_REQUEST_HEADER = "x-aforo-background";

const credentialsSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

class LoginRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const runtime = getRuntime();
  const secure = Boolean(runtime.config.AFORO_TLS_CERT);
  return {
    secret: runtime.authSecret,
    trustHost: true,
    // A30-SEC-18: over HTTPS the cookies are `__Secure-` and Secure; always HttpOnly and SameSite=Lax.
    useSecureCookies: secure,
    // The cookie's own lifetime is the absolute session limit; idleness is judged on the server.
    session: { strategy: "jwt", maxAge: ABSOLUTE_SESSION_S, updateAge: 0 },
    pages: { signIn: "/login" },
    // Auth.js logs through the server's structured logger; a rejected log-in is an expected
    // outcome (already logged by the login service), not an error with a stack trace.
    logger: {
      error(error: Error) {
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
        if ((error as { type?: string }).type === "JWTSessionError") {
          runtime.logger.warn({ error: error.message }, "cookie de sesión inválida descartada");
          return;
        }
        runtime.logger.error({ error: error.message, name: error.name }, "error de Auth.js");
      },
      warn(code: string) {
        runtime.logger.warn({ code }, "aviso de Auth.js");
      },
      debug() {},
    },
    providers: [
      Credentials({
        credentials: { username: { label: "Usuario" }, password: { label: "Contraseña", type: "password" } },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          const result = await attemptLogin(
            runtime.db,
            {
              username: parsed.success ? parsed.data.username : typeof raw?.username === "string" ? raw.username.slice(0, 64) : "",
              // A malformed attempt still costs a full hash check and counts as a failure.
              password: parsed.success ? parsed.data.password : "",
              ip: clientIpOf(request?.headers),
              userAgent: request?.headers?.get("user-agent") ?? null,
            },
            { now: runtime.clock.now(), idleTimeoutS: runtime.config.AFORO_IDLE_TIMEOUT_S },
          );
          if (!result.ok) {
            runtime.logger.warn({ username: raw?.username, code: result.code }, "inicio de sesión rechazado");
            throw new LoginRefused(result.code);
          }
          return {
            id: String(result.user.id),
            name: result.user.displayName,
            username: result.user.username,
            role: result.user.role,
            sessionId: result.sessionId,
            passwordChange: result.user.passwordChange,
          };
        },
      }),
    ],
    events: {
      // A30-SEC-10 / A30-LOG-01: a log-out by the user ends the server-side session (security log
      // "cierre de sesión por el usuario" + bitácora "Cierre de sesión").
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (typeof token?.sid === "string") {
          await endSession(runtime.db, token.sid, "user", runtime.clock.now()).catch((error: unknown) =>
            runtime.logger.error({ error: (error as Error).message }, "no se pudo cerrar la sesión en el servidor"),
          );
        }
      },
    },
    callbacks: {
      // Redirects stay on this site and are returned as paths: behind a custom server Next.js may
      // build the request origin as `localhost`, which would send a browser that came through
      // 127.0.0.1 (or a proxy name) to a host where its session cookie does not exist.
      redirect({ url, baseUrl }) {
        const target = new URL(url, baseUrl);
        if (url.startsWith("/") && !url.startsWith("//")) return url;
        if (target.origin !== new URL(baseUrl).origin) return "/";
        return `${target.pathname}${target.search}${target.hash}`;
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = user.sessionId;
          token.username = user.username;
          token.role = user.role;
          token.passwordChange = user.passwordChange;
          return token;
        }
        if (typeof token.sid !== "string") return null;
        const lookup = await resolveSession(runtime.db, token.sid, {
          now: runtime.clock.now(),
          idleTimeoutS: runtime.config.AFORO_IDLE_TIMEOUT_S,
          policy: await readPasswordPolicy(runtime.db),
          touch: !(await isBackgroundRequest()),
        });
        // null: Auth.js treats the request as signed out and clears the cookie.
        if (!lookup.ok) return null;
        token.sub = String(lookup.user.userId);
        token.username = lookup.user.username;
        token.name = lookup.user.displayName;
        token.role = lookup.user.role;
        token.passwordChange = lookup.user.passwordChange;
        token.canViewSecurityLog = lookup.user.canViewSecurityLog;
        return token;
      },
      session({ session, token }) {
        session.user.id = String(token.sub);
        session.user.sessionId = String(token.sid);
        session.user.username = String(token.username);
        session.user.role = token.role as RoleKey;
        session.user.passwordChange = (token.passwordChange as PasswordChangeReason | null | undefined) ?? null;
        session.user.canViewSecurityLog = Boolean(token.canViewSecurityLog);
        return session;
      },
    },
  };
});

async function isBackgroundRequest(): Promise<boolean> {
  try {
    return (await headers()).get(BACKGROUND_REQUEST_HEADER) === "1";
  } catch {
    // Outside a request scope (never in practice): count it as activity.
    return false;
  }
}
