"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * A30-SEC-04: the six-monthly access review is due — shown to the Administrador on every screen
 * except the user-administration ones, which show the reminder with its details themselves.
 */
export function AccessReviewReminder({ message }: { message: string }) {
  const pathname = usePathname();
  if (pathname.startsWith("/usuarios")) return null;
  return (
    <p className="review-reminder" role="status" data-testid="shell-access-review-due">
      {message} <Link href="/usuarios/revision">Realizar la revisión</Link>
    </p>
  );
}
