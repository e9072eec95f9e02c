import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page is rendered per request: the CSP nonce of server/http/front.ts must reach Next.js's
// scripts (a prerendered page would carry scripts without it, which the policy blocks).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Aforo", template: "%s · Aforo" },
  description: "Monitoreo en tiempo real y controles volumétricos (Anexo 30 RMF)",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="es-MX">
      <body>{children}</body>
    </html>
  );
}
