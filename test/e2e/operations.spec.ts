import { expect, test } from "@playwright/test";
import { logIn, csrfHeaders } from "./helpers";

/** `YYYY-MM-DDTHH:MM:SS` in America/Mexico_City, for datetime-local inputs. */
function mexicoCityLocal(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

// A30-REC-07: an Operador registers a manual operation from /operaciones and sees it flagged "manual".
test("A30-REC-07: operador registers a manual reception and sees it flagged manual; the Auditor Fiscal sees the flag but no form (403 on POST)", async ({ browser }, testInfo) => {
  const operador = await browser.newPage();
  await logIn(operador, "operador", "Aforo#Oper2026");
  await operador.getByRole("link", { name: "Operaciones" }).click();
  await expect(operador).toHaveURL(/\/operaciones$/);
  await expect(operador.getByRole("heading", { name: "Operaciones de recepción y entrega" })).toBeVisible();

  const form = operador.locator("section.operations-manual");
  await form.getByLabel("Tanque").selectOption("TQS-EDS-0003");
  // A recent time (the list shows the latest operations first), in the installation's zone.
  await form.getByLabel("Inicio").fill(mexicoCityLocal(Date.now() - 80 * 60_000));
  await form.getByLabel("Fin").fill(mexicoCityLocal(Date.now() - 40 * 60_000));
  await form.getByLabel("Volumen a 20 °C (L)").fill("1000");
  await form.getByLabel("RFC de la contraparte").fill("GPA200101NL1");
  await form.getByLabel("Medio de transporte").fill("TQS-ATQ-1234");
  // A short justification is refused by the server with a message a person can act on.
  await form.getByLabel("Justificación").fill("x");
  await form.getByLabel("Justificación").evaluate((el) => el.removeAttribute("minlength"));
  await form.getByRole("button", { name: "Registrar operación manual" }).click();
  await expect(form.getByRole("alert")).toContainText("Justificación obligatoria");

  await form.getByLabel("Justificación").fill("La sonda del tanque estuvo fuera de servicio durante la descarga");
  await form.getByRole("button", { name: "Registrar operación manual" }).click();
  await expect(form.getByRole("status")).toContainText("Operación manual registrada con el número");

  const row = operador.locator('tr[data-origin="manual"]').filter({ hasText: "TQS-EDS-0003" }).first();
  await expect(row).toBeVisible();
  await expect(row.getByTestId("origin")).toHaveText("manual");
  await expect(row).toContainText("operador");
  await expect(row).toContainText("1,000.000");
  await expect(row).toContainText("TQS-ATQ-1234");
  const shot = testInfo.outputPath("operaciones.png");
  await operador.screenshot({ path: shot, fullPage: true });
  await testInfo.attach("operaciones", { path: shot, contentType: "image/png" });

  const auditor = await browser.newPage();
  await logIn(auditor, "auditor", "Aforo#Audit2026");
  await auditor.goto("/operaciones");
  await expect(auditor.locator('tr[data-origin="manual"]').filter({ hasText: "TQS-EDS-0003" }).first().getByTestId("origin")).toHaveText("manual");
  await expect(auditor.locator("section.operations-manual")).toHaveCount(0);
  const refused = await auditor.request.post("/api/operations", { headers: await csrfHeaders(auditor.context()), data: { installationKey: "EDS-0001" } });
  expect(refused.status()).toBe(403);
  const listed = await auditor.request.get("/api/operations?installation=EDS-0001");
  expect(listed.status()).toBe(200);
  const body = (await listed.json()) as { operations: Array<{ manual: boolean; createdBy: string | null; tank: string | null }> };
  expect(body.operations.some((o) => o.manual && o.createdBy === "operador" && o.tank === "TQS-EDS-0003")).toBe(true);
});

// A30-LOG-10 acceptance, A30-REC-03/08: a supervisor corrects an RFC from /operaciones and sees version 2 with before/after and the bitácora link.
test("A30-LOG-10: supervisor corrects the RFC XAXX010101000 → GPA200101NL1 on /operaciones and sees version 2 and its bitácora entry; hidden for the Auditor Fiscal", async ({ browser }) => {
  const supervisor = await browser.newPage();
  await logIn(supervisor, "supervisor", "Aforo#Super2026");
  const created = await supervisor.request.post("/api/operations", {
    headers: await csrfHeaders(supervisor.context()),
    data: {
      installationKey: "EDS-0001",
      type: "reception",
      tankKey: "TQS-EDS-0002",
      startAt: "2026-11-26T08:00:00-06:00",
      endAt: "2026-11-26T08:45:00-06:00",
      netVolume: 2500,
      counterpartyRfc: "XAXX010101000",
      justification: "La sonda del tanque estuvo fuera de servicio durante la descarga",
    },
  });
  expect(created.status()).toBe(201);
  const { operation } = (await created.json()) as { operation: { id: number; number: number } };

  await supervisor.goto(`/operaciones?detalle=${operation.id}`);
  const detail = supervisor.getByTestId("operation-detail");
  await expect(detail.getByRole("heading", { level: 2 })).toContainText(`Recepción número ${operation.number}`);
  await expect(detail.getByRole("heading", { level: 2 })).toContainText("v1");
  const correct = detail.getByRole("form", { name: "Corregir operación" });
  await correct.getByLabel("RFC de la contraparte").fill("GPA200101NL1");
  await correct.getByLabel("Motivo de la corrección").fill("RFC del proveedor según la factura CFDI");
  await correct.getByRole("button", { name: "Guardar corrección" }).click();
  await expect(detail.getByRole("status")).toContainText("Corrección guardada: versión 2");

  await expect(detail.getByRole("heading", { level: 2 })).toContainText("versión vigente v2");
  const v2 = detail.getByTestId("operation-versions").locator('li[data-version="2"]');
  await expect(v2).toContainText("supervisor");
  await expect(v2).toContainText("RFC del proveedor según la factura CFDI");
  await expect(v2).toContainText("RFC de la contraparte: XAXX010101000 → GPA200101NL1");
  const bitacora = v2.getByRole("link", { name: /Entrada de bitácora n\.º \d+/ });
  await expect(bitacora).toHaveAttribute("href", /\/bitacora#entrada-\d+/);
  const versions = await supervisor.request.get(`/api/operations/${operation.id}/versions`);
  const body = (await versions.json()) as { versions: Array<{ version: number; counterpartyRfc: string; changes: Array<{ field: string; before: string; after: string }> }> };
  expect(body.versions.map((v) => [v.version, v.counterpartyRfc])).toEqual([
    [1, "XAXX010101000"],
    [2, "GPA200101NL1"],
  ]);
  expect(body.versions[1]!.changes).toEqual([{ field: "counterpartyRfc", before: "XAXX010101000", after: "GPA200101NL1" }]);

  // A30-REC-08: the supervisor captures a process loss from the same page.
  const loss = supervisor.getByRole("form", { name: "Registrar pérdida por proceso" });
  await loss.getByLabel("Tanque").selectOption("EDS-0001|TQS-EDS-0003");
  await loss.getByLabel("Fecha del periodo").fill("2027-01-15");
  await loss.getByLabel("Volumen (L)").fill("150");
  await loss.getByLabel("Justificación de la pérdida").fill("Evaporación estimada por alta temperatura ambiente");
  await loss.getByRole("button", { name: "Registrar pérdida" }).click();
  await expect(loss.getByRole("status")).toContainText("Pérdida de 150.000 L registrada para TQS-EDS-0003 el 2027-01-15");
  await expect(supervisor.getByTestId("process-losses")).toContainText("API MPMS 19");

  const auditor = await browser.newPage();
  await logIn(auditor, "auditor", "Aforo#Audit2026");
  await auditor.goto(`/operaciones?detalle=${operation.id}`);
  await expect(auditor.getByTestId("operation-versions").locator('li[data-version="2"]')).toBeVisible();
  await expect(auditor.getByTestId("operation-actions")).toHaveCount(0);
  await expect(auditor.getByRole("form", { name: "Registrar pérdida por proceso" })).toHaveCount(0);
  expect((await auditor.request.post(`/api/operations/${operation.id}/correct`, { headers: await csrfHeaders(auditor.context()), data: { counterpartyRfc: "XAXX010101000", reason: "prueba de permiso" } })).status()).toBe(403);
  expect((await auditor.request.post("/api/process-losses", { headers: await csrfHeaders(auditor.context()), data: {} })).status()).toBe(403);
  expect((await auditor.request.get("/api/operations?status=incomplete")).status()).toBe(200);
});
