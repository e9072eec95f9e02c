import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserForLogin } from "../../db/repositories/users";
import { verifyPassword } from "../platform/password-hash";
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
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const user = await findUserForLogin(runtime.db, parsed.data.username);
          // Same work whether or not the user exists, so timing does not reveal valid names.
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
          if (!user || !ok || !user.active) {
            runtime.logger.warn({ username: parsed.data.username }, "inicio de sesión rechazado");
            throw new InvalidCredentials();
          }
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
