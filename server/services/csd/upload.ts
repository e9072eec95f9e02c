/**
 * The boundary of POST /api/certificates (A30-CSD-01, A30-SEC-15): a multipart/form-data body with
 * exactly three fields — `cer` (file), `key` (file) and `password` (text) — each file at most
 * 64 KiB (a SAT .cer is ~2 KiB, a .key ~1.3 KiB). Anything else is refused with 400 and a reason
 * that names the field; a body over MAX_UPLOAD_BYTES with 413 before it is parsed. The HTTP front
 * layer (server/http/front.ts) already bounds every mutating body at 1 MiB by Content-Length.
 */
export const MAX_CERTIFICATE_FILE_BYTES = 64 * 1024;
/** Two files at their limit plus the password and the multipart framing. */
export const MAX_UPLOAD_BYTES = 2 * MAX_CERTIFICATE_FILE_BYTES + 16 * 1024;
export const MAX_PASSWORD_LENGTH = 256;

export const UPLOAD_FIELDS = ["cer", "key", "password"] as const;
type UploadField = (typeof UPLOAD_FIELDS)[number];

const FIELD_NAMES: Record<UploadField, string> = {
  cer: "el certificado (.cer)",
  key: "la llave privada (.key)",
  password: "la contraseña de la llave privada",
};

export interface CertificateUpload {
  cer: Buffer;
  key: Buffer;
  password: string;
}

export type UploadResult = { ok: true; value: CertificateUpload } | { ok: false; status: 400 | 413; error: string };

const bad = (error: string, status: 400 | 413 = 400): UploadResult => ({ ok: false, status, error });

/** Size in KiB rounded UP to a tenth (65 537 bytes → "64,1 KiB", never "64 KiB" over a 64 KiB limit). */
function kib(bytes: number): string {
  const tenths = Math.ceil(bytes / 102.4);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1).replace(".", ",")} KiB`;
}

/** "el certificado (.cer)" or "el certificado (.cer) y la llave privada (.key)". */
function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} y ${names.at(-1)}`;
}

export async function readCertificateUpload(request: Request): Promise<UploadResult> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return bad("Envíe el formulario como multipart/form-data con los campos cer (archivo .cer), key (archivo .key) y password (contraseña).");
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > MAX_UPLOAD_BYTES)) {
    return bad(`La solicitud excede el máximo de ${kib(MAX_UPLOAD_BYTES)} (cada archivo a lo más ${kib(MAX_CERTIFICATE_FILE_BYTES)}).`, 413);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await request.arrayBuffer());
  } catch {
    return bad("No se pudo leer el cuerpo de la solicitud.");
  }
  if (body.length > MAX_UPLOAD_BYTES) {
    return bad(`La solicitud excede el máximo de ${kib(MAX_UPLOAD_BYTES)} (cada archivo a lo más ${kib(MAX_CERTIFICATE_FILE_BYTES)}).`, 413);
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return bad("El cuerpo multipart/form-data está mal formado.");
  }

  const seen = new Map<string, FormDataEntryValue>();
  for (const [name, value] of form.entries()) {
    if (!(UPLOAD_FIELDS as readonly string[]).includes(name)) {
      return bad(`Campo no esperado: «${name.slice(0, 40)}». Se esperan solo cer, key y password.`);
    }
    if (seen.has(name)) return bad(`El campo «${name}» se envió más de una vez.`);
    seen.set(name, value);
  }

  const cer = seen.get("cer");
  const key = seen.get("key");
  const password = seen.get("password");
  for (const [name, value] of [["cer", cer], ["key", key]] as const) {
    if (value !== undefined && typeof value === "string" && value !== "") {
      return bad(`El campo «${name}» debe ser un archivo (${FIELD_NAMES[name]}), no texto.`);
    }
  }
  if (password !== undefined && typeof password !== "string") return bad("La contraseña debe enviarse como texto, no como archivo.");

  // A browser sends an unselected file input as an empty part: it counts as missing.
  const missing = UPLOAD_FIELDS.filter((name) => {
    const value = seen.get(name);
    return value === undefined || (typeof value === "string" ? value === "" : value.size === 0);
  });
  if (missing.length > 0) {
    return bad(`${missing.length === 1 ? "Falta" : "Faltan"} ${joinNames(missing.map((m) => FIELD_NAMES[m]))}: se requieren el certificado (.cer), la llave privada (.key) y su contraseña.`);
  }

  const files: Partial<Record<"cer" | "key", Buffer>> = {};
  for (const name of ["cer", "key"] as const) {
    const file = seen.get(name) as File;
    if (file.size > MAX_CERTIFICATE_FILE_BYTES) {
      return bad(`El archivo de ${FIELD_NAMES[name]} pesa ${kib(file.size)}; el máximo es ${kib(MAX_CERTIFICATE_FILE_BYTES)}. Verifique que seleccionó el archivo correcto.`);
    }
    files[name] = Buffer.from(await file.arrayBuffer());
  }
  const text = password as string;
  if (text.length > MAX_PASSWORD_LENGTH) return bad(`La contraseña excede ${MAX_PASSWORD_LENGTH} caracteres.`);
  if (text.includes("\u0000")) return bad("La contraseña no puede contener el carácter de control NUL.");
  return { ok: true, value: { cer: files.cer!, key: files.key!, password: text } };
}
