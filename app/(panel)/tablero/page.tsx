import type { Metadata } from "next";
import { getRuntime } from "../../../server/http/runtime";
import { getDashboard } from "../../../server/services/dashboard/get-dashboard";
import { LiveTanks } from "../../_components/live-tanks";

export const metadata: Metadata = { title: "Tablero" };
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const installations = await getDashboard({ db: getRuntime().db, now: getRuntime().clock.now() });
  return (
    <>
      <h1 className="page-title">Tablero de instalaciones</h1>
      <LiveTanks initial={installations} />
    </>
  );
}
