"use client";

/**
 * fetch for the browser side of Aforo's API: mutating requests carry the CSRF token (the value of
 * the `aforo-csrf` cookie in `x-csrf-token`, server/http/csrf.ts); `background: true` marks a
 * page's own polling, which is not user activity and so does not keep an idle session open
 * (A30-SEC-09). A 401 because the session ended sends the browser to the log-in screen with the
 * reason.
 */
export const CSRF_COOKIE = "aforo-csrf";

export function csrfToken(): string {
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : "";
}

export async function apiFetch(input: string, init: RequestInit & { background?: boolean } = {}): Promise<Response> {
  const { background, ...rest } = init;
  const headers = new Headers(rest.headers);
  const method = (rest.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD") headers.set("x-csrf-token", csrfToken());
  if (background) headers.set("x-aforo-background", "1");
  const response = await fetch(input, { ...rest, headers });
  if (response.status === 401) {
    const body = (await response.clone().json().catch(() => null)) as { reason?: string } | null;
    if (body?.reason) window.location.assign(`/login?motivo=${encodeURIComponent(body.reason)}`);
  }
  return response;
}

/** Sends the browser to the log-in screen when the server says the session ended. */
export function goToLogin(reason: string): void {
  window.location.assign(`/login?motivo=${encodeURIComponent(reason)}`);
}
