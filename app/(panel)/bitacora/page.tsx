import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { BitacoraView } from "./bitacora-view";

export const metadata: Metadata = { title: "Bitácora" };
export const dynamic = "force-dynamic";

/** /bitacora — la bitácora de eventos (A30-LOG-02/03/04/06/09/11); cada consulta queda registrada. */
export default async function BitacoraPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  return (
    <>
      <h1 className="page-title">Bitácora de eventos</h1>
      <BitacoraView canWrite={roleHasPermission(session.user.role, "writeEventLog")} />
    </>
  );
}
