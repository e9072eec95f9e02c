import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserForLogin } from "../../db/repositories/users";
import { verifyPassword } from "../platform/password-hash";
import { clientIpOf, recordRejectedLogin } from "../services/alarms/rejected-login";
import { recordAccessEvent } from "../services/settings/access-events";
import { getRuntime } from "./runtime";
import type { RoleKey } from "../contracts/roles";

/**
 * Auth.js (next-auth v5) with the credentials provider: fields `username` and `password` at the
 * standard endpoints (design.md §3 "Log-in"). JWT sessions whose lifetime is the idle timeout
 * (A30-SEC-09, ≤ 600 s) and which are re-issued on every request, so activity keeps them alive.
 * Built lazily per request because the secret and the database come from the runtime.
 */

declare module "next-auth" {
  interface Session {
    user: { id: string; username: string; role: RoleKey; mustChangePassword: boolean } & DefaultSession["user"];
  }
  interface User {
    username: string;
    role: RoleKey;
    mustChangePassword: boolean;
  }
}

const credentialsSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

class InvalidCredentials extends CredentialsSignin {
  override code = "credenciales_invalidas";
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const runtime = getRuntime();
  async function recordAccess(kind: "login" | "logout", id: string | undefined, username: string | undefined): Promise<void> {
    if (!username) return;
    const userId = id && /^\d+$/.test(id) ? Number(id) : null;
    await recordAccessEvent(runtime.db, { kind, userId, username }, runtime.clock.now()).catch((error: unknown) =>
      runtime.logger.error({ error: (error as Error).message, kind, username }, "no se pudo registrar el acceso en la bitácora"),
    );
  }
  return {
    secret: runtime.authSecret,
    trustHost: true,
    session: { strategy: "jwt", maxAge: runtime.config.AFORO_IDLE_TIMEOUT_S, updateAge: 0 },
    pages: { signIn: "/login" },
    // Auth.js logs through the server's structured logger; a rejected log-in is an expected
    // outcome (already logged by authorize), not an error with a stack trace.
    logger: {
      error(error: Error) {
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
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
          // A30-ALM-07: every rejected log-in → one type-10 alarm (attempted user, source IP) + bitácora entry.
          const reject = async (username: string): Promise<never> => {
            const ip = clientIpOf(request?.headers);
            runtime.logger.warn({ username, ip }, "inicio de sesión rechazado");
            await recordRejectedLogin(runtime.db, { username, ip, userAgent: request?.headers?.get("user-agent") }, runtime.clock.now()).catch((error: unknown) =>
              runtime.logger.error({ error: (error as Error).message }, "no se pudo registrar la alarma de inicio de sesión rechazado"),
            );
            throw new InvalidCredentials();
          };
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return reject(typeof raw?.username === "string" ? raw.username.trim() : "");
          const user = await findUserForLogin(runtime.db, parsed.data.username);
          // Same work whether or not the user exists, so timing does not reveal valid names.
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !ok || !user.active) return reject(parsed.data.username);
          return {
            id: String(user.id),
            name: user.displayName,
            username: user.username,
            role: user.role,
            mustChangePassword: user.mustChangePassword,
          };
        },
      }),
    ],
    // A30-LOG-01 category 5 / A30-LOG-05: a successful log-in and a log-out each write one
    // bitácora entry naming the user ("Inicio de sesión" / "Cierre de sesión").
    events: {
      async signIn({ user }) {
        await recordAccess("login", user.id, user.username);
      },
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (token?.username) await recordAccess("logout", token.sub, String(token.username));
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
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.username = user.username;
          token.role = user.role;
          token.mustChangePassword = user.mustChangePassword;
        }
        return token;
      },
      session({ session, token }) {
        session.user.id = String(token.sub);
        session.user.username = String(token.username);
        session.user.role = token.role as RoleKey;
        session.user.mustChangePassword = Boolean(token.mustChangePassword);
        return session;
      },
    },
  };
});

// scrypt hash of a random string: verifying against it costs the same as a real check.
const DUMMY_HASH =
  "scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$2j1Hk8mC0yL8Lq1Y3m0t1lq0pXb8r4k8dYqk8m2m4pU=";
