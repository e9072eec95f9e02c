import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { verifyDetachedCms } from "../domain/csd/cms";
import type { Command } from "./commands";
import { CliUsageError, EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/**
 * `aforo report verify FILE.zip SIG [--cert FILE.cer]` (A30-RPT-03, issue #6 item 10): checks the
 * detached CMS seal of a report package, offline, without a database. Prints
 * `{"ok":bool,"noCertificado":"3000…"|null,"signingTime":"ISO"|null}` (plus "reason" when it
 * fails); exit 0 valid, 1 the signature does not verify (altered file, other certificate, not a
 * CMS signature), 2 bad input (arguments, unreadable files, --cert not a certificate). Without
 * --cert the certificate embedded in the signature is used; with it, the signature must have been
 * made with that CSD. The same check as
 *   openssl cms -verify -binary -inform DER -in SIG -content FILE.zip -certfile CSD.pem -noverify
 */
function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliUsageError(`no se pudo leer ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export const reportVerifyCommand: Command = {
  name: "report verify",
  summary: "Verifica el sello (firma CMS separada con el CSD) de un paquete de reporte",
  usage: "aforo report verify ARCHIVO.zip FIRMA.p7s [--cert CERTIFICADO.cer]",
  options: { cert: { type: "string" } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 2) {
      throw new CliUsageError(`se esperan dos archivos: el paquete del reporte y su firma (recibidos: ${positionals.length})`);
    }
    const [contentFile, signatureFile] = positionals as [string, string];
    const content = readInput(contentFile, "el paquete");
    const signature = readInput(signatureFile, "la firma");
    let certificate: Buffer | undefined;
    if (typeof values.cert === "string") {
      const raw = readInput(values.cert, "el certificado");
      try {
        certificate = Buffer.from(new X509Certificate(raw).raw);
      } catch {
        throw new CliUsageError(`${values.cert} no es un certificado X.509 (.cer en DER o PEM)`);
      }
    } else if (values.cert !== undefined) {
      throw new CliUsageError("--cert requiere la ruta del certificado (.cer)");
    }
    const result = verifyDetachedCms(content, signature, certificate);
    printJson({
      ok: result.ok,
      noCertificado: result.signerNoCertificado,
      signingTime: result.signingTime ? result.signingTime.toISOString() : null,
      ...(result.ok ? {} : { reason: result.reason }),
    });
    if (!result.ok) process.stderr.write(`firma no válida: ${result.reason}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  },
};
