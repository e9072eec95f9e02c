import { z } from "zod";
import { isValidDate } from "../../domain/reconciliation/periods";
import { CfdiError } from "./common";
import { MAX_CFDI_BYTES } from "./import";

/**
 * Boundary of the /api/cfdi routes (A30-SEC-15): the multipart upload, the query and body
 * schemas, and the error answers. The HTTP front layer bounds /api/cfdi bodies at 6 MiB
 * (server/http/front.ts); each file is at most 5 MiB (A30-CFDI-07 size limit).
 */

export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** The form field of POST /api/cfdi (one or more files). */
export const UPLOAD_FIELD = "files";
/** Whole multipart body: one file at its limit plus framing (the front layer's /api/cfdi limit). */
export const MAX_UPLOAD_BYTES = 6 * 1024 * 1024;
/** A body that is not multipart is never an upload: the ordinary 1 MiB bound applies (413 above it). */
export const MAX_OTHER_BODY_BYTES = 1024 * 1024;
export const MAX_FILES_PER_UPLOAD = 100;

export interface UploadedFile {
  fileName: string;
  /** null when the file is refused before parsing (size or extension), with `reason`. */
  bytes: Buffer | null;
  reason: string | null;
}

export type UploadResult = { ok: true; files: UploadedFile[] } | { ok: false; status: 400 | 413; error: string };

const bad = (error: string, status: 400 | 413 = 400): UploadResult => ({ ok: false, status, error });

export async function readCfdiUpload(request: Request): Promise<UploadResult> {
  const contentType = request.headers.get("content-type") ?? "";
  const declared = request.headers.get("content-length");
  const declaredBytes = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    if (declaredBytes !== null && declaredBytes > MAX_OTHER_BODY_BYTES) return bad("La solicitud excede el tamaño máximo de 1 MiB.", 413);
    return bad(`Envíe los CFDI como multipart/form-data en el campo «${UPLOAD_FIELD}» (uno o más archivos .xml de hasta 5 MiB cada uno).`);
  }
  if (declared !== null && (declaredBytes === null || declaredBytes > MAX_UPLOAD_BYTES)) return bad("La solicitud excede el máximo de 6 MiB: importe los archivos en varias partes.", 413);
  let body: Buffer;
  try {
    body = Buffer.from(await request.arrayBuffer());
  } catch {
    return bad("No se pudo leer el cuerpo de la solicitud.");
  }
  if (body.length > MAX_UPLOAD_BYTES) return bad("La solicitud excede el máximo de 6 MiB: importe los archivos en varias partes.", 413);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return bad("El cuerpo multipart/form-data está mal formado.");
  }
  const files: UploadedFile[] = [];
  for (const [name, value] of form.entries()) {
    if (name !== UPLOAD_FIELD) return bad(`Campo no esperado: «${name.slice(0, 40)}». Envíe solo archivos en el campo «${UPLOAD_FIELD}».`);
    if (typeof value === "string") {
      if (value === "") continue;
      return bad(`El campo «${UPLOAD_FIELD}» debe contener archivos XML, no texto.`);
    }
    // A browser sends an empty file input as one empty, unnamed part.
    if (value.size === 0 && value.name === "") continue;
    if (files.length >= MAX_FILES_PER_UPLOAD) return bad(`Se aceptan a lo más ${MAX_FILES_PER_UPLOAD} archivos por solicitud.`);
    const fileName = (value.name || "sin-nombre.xml").slice(0, 255);
    if (!/\.xml$/i.test(fileName)) {
      files.push({ fileName, bytes: null, reason: "solo se aceptan archivos XML de CFDI (.xml)" });
    } else if (value.size > MAX_CFDI_BYTES) {
      files.push({ fileName, bytes: null, reason: `archivo demasiado grande: ${value.size} bytes (máximo ${MAX_CFDI_BYTES} bytes, 5 MiB)` });
    } else {
      files.push({ fileName, bytes: Buffer.from(await value.arrayBuffer()), reason: null });
    }
  }
  if (files.length === 0) return bad(`Seleccione al menos un archivo XML de CFDI (campo «${UPLOAD_FIELD}»).`);
  return { ok: true, files };
}

const date = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => isValidDate(v), `${label}: fecha AAAA-MM-DD`);

export const cfdiListQuerySchema = z.object({
  direction: z.enum(["issued", "received"], { error: "direction: 'issued' (emitidos) o 'received' (recibidos)" }).optional(),
  link: z.enum(["matched", "unmatched"], { error: "link: 'matched' (vinculados) o 'unmatched' (sin vincular)" }).optional(),
  purpose: z.enum(["acquisition", "sale", "service", "payment"], { error: "purpose: acquisition, sale, service o payment" }).optional(),
  rfc: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-ZÑ&0-9]{1,13}$/, "rfc: RFC de 12 o 13 caracteres")
    .optional(),
  from: date("from").optional(),
  to: date("to").optional(),
  limit: z.coerce.number({ error: "limit: número" }).int("limit: entero").min(1, "limit: al menos 1").max(1000, "limit: a lo más 1000").optional(),
});

export const cfdiIdSchema = z.coerce.number({ error: "identificador de CFDI inválido" }).int("identificador de CFDI inválido").positive("identificador de CFDI inválido").max(2_147_483_647, "identificador de CFDI inválido");

export const cfdiLinkSchema = z
  .object({
    operationId: z.coerce
      .number({ error: "operationId: número de operación" })
      .int("operationId: entero")
      .positive("operationId: positivo")
      .max(Number.MAX_SAFE_INTEGER, "operationId: fuera de rango"),
    action: z.enum(["link", "unlink"], { error: "action: 'link' (vincular) o 'unlink' (desvincular)" }),
    reason: z.string().trim().max(1000, "reason: a lo más 1000 caracteres").optional(),
    volume: z.coerce.number({ error: "volume: número" }).min(0, "volume: no puede ser negativo").max(1e12, "volume: fuera de rango").optional(),
  })
  .strict()
  .refine((v) => v.action !== "unlink" || (v.reason ?? "").length >= 5, { message: "reason: motivo obligatorio para desvincular (al menos 5 caracteres)", path: ["reason"] });
export type CfdiLinkBody = z.infer<typeof cfdiLinkSchema>;

export function zodErrorResponse(error: z.ZodError): Response {
  const messages = error.issues.map((i) => i.message);
  return Response.json({ error: messages[0] ?? "datos inválidos", messages }, { status: 400, headers: NO_STORE });
}

/** CfdiError → 400/404/409 with the reason; anything else is rethrown (500 without internals). */
export function cfdiErrorResponse(error: unknown): Response {
  if (error instanceof CfdiError) {
    const status = error.code === "not_found" ? 404 : error.code === "conflict" ? 409 : 400;
    return Response.json({ error: error.message }, { status, headers: NO_STORE });
  }
  throw error;
}
