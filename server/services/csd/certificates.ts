import { createPrivateKey, type KeyObject } from "node:crypto";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";
import { roleHasPermission } from "../../contracts/permissions";
import type { RoleKey } from "../../contracts/roles";
import {
  CSD_STATE_LABELS,
  EXPIRED_INFO,
  effectiveStatus,
  expiryNotice,
  formatCertificateDate,
  inspectCertificate,
  keyMatchesCertificate,
  replacedInfo,
  validateCsdInstall,
  type CsdRejectionReason,
  type CsdStateLabel,
  type CsdStatus,
  type ExpiryNotice,
} from "../../domain/csd/index";
import { openSecretParts, sealSecretParts } from "../../platform/secret-box";
import { recordSecurityEvent, type SecurityEvent } from "../security/security-log";

/**
 * CSD administration (A30-CSD-01…05, A30-ACC-03 "Manage CSD certificates": Administrador only;
 * issue #6 item 6). An install is ONE transaction: the previous Activo certificate becomes
 * Inactivo "sustituido por <serial>", the new one is stored Activo with its private key (the .key
 * file as uploaded, still PKCS#8-encrypted with the holder's password) and that password each
 * sealed with AES-256-GCM under AFORO_ENCRYPTION_KEY (own IV and tag, AAD binding them to the
 * taxpayer, serial and column), ONE bitácora entry (category 1) and one security-log entry. A
 * rejected install stores no certificate and writes no bitácora entry — only a security-log
 * "failure" entry with the reason code. Neither the key nor the password is ever returned, logged
 * or written to the bitácora (A30-CSD-04).
 */
export interface CsdActor {
  id: number;
  username: string;
  role: RoleKey;
  sessionId?: string | null;
}

export interface CsdRequestContext {
  ip: string | null;
  userAgent: string | null;
}

export interface CertificateView {
  id: number;
  taxpayerId: number;
  taxpayerRfc: string;
  /** 20-digit SAT number (No. de certificado). */
  noCertificado: string;
  rfc: string;
  subjectName: string;
  issuerName: string;
  validFrom: string;
  validTo: string;
  /** Only CSDs are ever stored (an e.firma is refused on install). */
  type: "CSD";
  /** Status at the time asked (an Activo past its end shows as Inactivo "caducado"). */
  status: CsdStatus;
  statusLabel: CsdStateLabel;
  statusInfo: string | null;
  statusChangedAt: string;
  /** The stored status (differs from `status` until refreshCertificateStatuses runs). */
  storedStatus: CsdStatus;
  installedAt: string;
  installedBy: string | null;
  /** SAT test certificate: reports sealed with it carry the "PRUEBAS" badge (A30-CSD-06). */
  isTest: boolean;
}

export type CsdFailureStatus = 400 | 403 | 404 | 409;
export type CsdResult<T> = { ok: true; value: T } | { ok: false; status: CsdFailureStatus; error: string; reason?: CsdRejectionReason };

export const CSD_NOT_ALLOWED = "Solo un Administrador puede administrar los certificados de sello digital (A30-ACC-03).";

/** Security-log event of CSD administration ("Administración de certificados (CSD)", A30-SEC-10). */
export const CSD_SECURITY_EVENT: SecurityEvent = "csd_admin";

/** AAD of the sealed columns: a ciphertext moved to another row or column does not open. */
export function csdSecretAad(taxpayerId: number, noCertificado: string, column: "private_key" | "password"): string {
  return `aforo:csd_certificates:${taxpayerId}:${noCertificado}:${column}`;
}

interface CertificateRow {
  id: number;
  taxpayer_id: number;
  taxpayer_rfc: string;
  serial_number: string;
  rfc: string;
  subject_name: string;
  issuer_name: string;
  valid_from: Date | string;
  valid_to: Date | string;
  status: CsdStatus;
  status_info: string | null;
  status_changed_at: Date | string;
  installed_at: Date | string;
  installed_by_name: string | null;
  is_test: boolean;
}

// Never the key nor the password columns. Optional filters: $1 taxpayer id, $2 certificate id.
const VIEW_SQL = `select c.id, c.taxpayer_id, t.rfc as taxpayer_rfc, c.serial_number, c.rfc, c.subject_name, c.issuer_name, c.valid_from, c.valid_to,
    c.status, c.status_info, c.status_changed_at, c.installed_at, u.username as installed_by_name, c.is_test
  from csd_certificates c join taxpayers t on t.id = c.taxpayer_id left join users u on u.id = c.installed_by
  where ($1::integer is null or c.taxpayer_id = $1) and ($2::integer is null or c.id = $2)
  order by c.installed_at desc, c.id desc`;

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function toView(row: CertificateRow, now: Date): CertificateView {
  const validTo = toDate(row.valid_to);
  const state = effectiveStatus({ status: row.status, statusInfo: row.status_info, statusChangedAt: toDate(row.status_changed_at), validTo }, now);
  return {
    id: Number(row.id),
    taxpayerId: Number(row.taxpayer_id),
    taxpayerRfc: row.taxpayer_rfc,
    noCertificado: row.serial_number,
    rfc: row.rfc,
    subjectName: row.subject_name,
    issuerName: row.issuer_name,
    validFrom: toDate(row.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    type: "CSD",
    status: state.status,
    statusLabel: state.label,
    statusInfo: state.info,
    statusChangedAt: state.changedAt.toISOString(),
    storedStatus: row.status,
    installedAt: toDate(row.installed_at).toISOString(),
    installedBy: row.installed_by_name,
    isTest: row.is_test,
  };
}

/** A30-CSD-03: every stored certificate, newest first, with its state at `now`. */
export async function listCertificates(db: SqlExecutor, now: Date, options: { taxpayerId?: number } = {}): Promise<CertificateView[]> {
  const rows = await db.query<CertificateRow>(VIEW_SQL, [options.taxpayerId ?? null, null]);
  return rows.map((row) => toView(row, now));
}

async function certificateView(db: SqlExecutor, id: number, now: Date): Promise<CertificateView> {
  const [row] = await db.query<CertificateRow>(VIEW_SQL, [null, id]);
  return toView(row!, now);
}

/** A30-CSD-05: the notice for the taxpayer's active CSD (warning 30 days before its end, "expired" after). */
export async function activeCertificateNotice(db: SqlExecutor, now: Date): Promise<ExpiryNotice> {
  const [row] = await db.query<{ serial_number: string; valid_to: Date | string }>(
    "select serial_number, valid_to from csd_certificates where status = 'active' order by valid_to asc limit 1",
  );
  return expiryNotice(row ? { noCertificado: row.serial_number, validTo: toDate(row.valid_to) } : null, now);
}

type TaxpayerChoice = { ok: true; id: number; rfc: string } | { ok: false; status: CsdFailureStatus; error: string };

/** The taxpayer the CSD is for: the one given, or the only one registered. */
async function chooseTaxpayer(db: SqlExecutor, taxpayerId: number | undefined): Promise<TaxpayerChoice> {
  const rows = await db.query<{ id: number; rfc: string }>("select id, rfc from taxpayers order by id");
  if (taxpayerId !== undefined) {
    const found = rows.find((r) => Number(r.id) === taxpayerId);
    return found ? { ok: true, id: Number(found.id), rfc: found.rfc } : { ok: false, status: 404, error: `No existe el contribuyente con id ${taxpayerId}.` };
  }
  if (rows.length === 0) return { ok: false, status: 409, error: "No hay un contribuyente registrado: registre primero al contribuyente (RFC) antes de instalar su CSD." };
  if (rows.length > 1) return { ok: false, status: 400, error: "Hay varios contribuyentes registrados: indique para cuál es el CSD." };
  return { ok: true, id: Number(rows[0]!.id), rfc: rows[0]!.rfc };
}

export interface CertificateFiles {
  /** The .cer file. */
  cer: Buffer;
  /** The .key file (encrypted PKCS#8 DER). */
  key: Buffer;
}

export interface InstallOptions {
  context?: CsdRequestContext;
  taxpayerId?: number;
  /** A30-CSD-06: true in production mode (SAT test certificates refused). */
  refuseTestCertificates?: boolean;
}

export interface InstalledCertificate {
  certificate: CertificateView;
  /** The certificate that was Activo before and is now Inactivo "sustituido por …". */
  replaced: { id: number; noCertificado: string } | null;
  eventLogId: number;
}

/**
 * A30-CSD-01/02/03/04: validates the trio against the taxpayer's RFC and installs it as the Activo
 * CSD. 400 with the first failing reason (validateCsdInstall's order); 409 when that very
 * certificate is already the Activo one. Re-installing a certificate stored earlier (Inactivo or
 * Erróneo, still valid) makes that row Activo again with freshly sealed secrets.
 */
export async function installCertificate(
  db: Database,
  actor: CsdActor,
  files: CertificateFiles,
  password: string,
  now: Date,
  encryptionKeyHex: string,
  options: InstallOptions = {},
): Promise<CsdResult<InstalledCertificate>> {
  if (!roleHasPermission(actor.role, "manageCertificates")) return { ok: false, status: 403, error: CSD_NOT_ALLOWED };
  const taxpayer = await chooseTaxpayer(db, options.taxpayerId);
  if (!taxpayer.ok) return taxpayer;
  const context = options.context ?? { ip: null, userAgent: null };
  const securityEntry = (outcome: "success" | "failure", detail: Record<string, unknown>) => ({
    event: CSD_SECURITY_EVENT,
    outcome,
    username: actor.username,
    userId: actor.id,
    ip: context.ip,
    userAgent: context.userAgent,
    sessionId: actor.sessionId ?? null,
    detail,
  });

  const validation = validateCsdInstall({
    certificate: files.cer,
    privateKeyDer: files.key,
    password,
    taxpayerRfc: taxpayer.rfc,
    now,
    refuseTestCertificates: options.refuseTestCertificates ?? false,
  });
  if (!validation.ok) {
    // Nothing is stored; the attempt is a security-log failure (reason code only, never a secret).
    await recordSecurityEvent(
      db,
      securityEntry("failure", { action: "instalacion_csd", reason: validation.reason, noCertificado: validation.certificate?.noCertificado ?? null, taxpayerRfc: taxpayer.rfc }),
      now,
    );
    return { ok: false, status: 400, error: validation.message, reason: validation.reason };
  }
  const info = validation.certificate;
  const serial = validation.noCertificado;
  const keySealed = sealSecretParts(validation.encryptedPrivateKeyDer, encryptionKeyHex, csdSecretAad(taxpayer.id, serial, "private_key"));
  const passwordSealed = sealSecretParts(password, encryptionKeyHex, csdSecretAad(taxpayer.id, serial, "password"));
  const issuerName = info.issuerOrganization && normalised(info.issuerOrganization) !== normalised(info.issuerName) ? `${info.issuerName} (${info.issuerOrganization})` : info.issuerName;

  return db.transaction(async (tx) => {
    // Serialises installs for this taxpayer (one Activo at a time, unique index).
    await tx.query("select id from taxpayers where id = $1 for update", [taxpayer.id]);
    const [existing] = await tx.query<{ id: number; status: CsdStatus }>(
      "select id, status from csd_certificates where taxpayer_id = $1 and serial_number = $2",
      [taxpayer.id, serial],
    );
    if (existing?.status === "active") {
      return { ok: false as const, status: 409 as const, error: `El CSD ${serial} ya está instalado y es el certificado activo.` };
    }
    const [previous] = await tx.query<{ id: number; serial_number: string }>(
      "select id, serial_number from csd_certificates where taxpayer_id = $1 and status = 'active' for update",
      [taxpayer.id],
    );
    if (previous) {
      await tx.query("update csd_certificates set status = 'replaced', status_info = $2, status_changed_at = $3 where id = $1", [previous.id, replacedInfo(serial), now]);
    }
    const values = [
      taxpayer.id,
      serial,
      validation.rfc,
      info.subjectName,
      issuerName,
      info.validFrom,
      info.validTo,
      info.der.toString("base64"),
      keySealed.ciphertext,
      keySealed.iv,
      keySealed.tag,
      passwordSealed.ciphertext,
      passwordSealed.iv,
      passwordSealed.tag,
      info.isTest,
      now,
      actor.id,
    ];
    let id: number;
    if (existing) {
      await tx.query(
        `update csd_certificates set rfc = $3, subject_name = $4, issuer_name = $5, valid_from = $6, valid_to = $7, certificate_der_base64 = $8,
            encrypted_private_key = $9, private_key_iv = $10, private_key_tag = $11, encrypted_password = $12, password_iv = $13, password_tag = $14,
            encryption_key_id = 'v1', status = 'active', status_info = 'reinstalado', status_changed_at = $16, is_test = $15, installed_at = $16, installed_by = $17
          where taxpayer_id = $1 and serial_number = $2`,
        values,
      );
      id = Number(existing.id);
    } else {
      const [inserted] = await tx.query<{ id: number }>(
        `insert into csd_certificates (taxpayer_id, serial_number, rfc, subject_name, issuer_name, valid_from, valid_to, certificate_der_base64,
            encrypted_private_key, private_key_iv, private_key_tag, encrypted_password, password_iv, password_tag, encryption_key_id,
            status, status_info, status_changed_at, is_test, installed_at, installed_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'v1', 'active', null, $16, $15, $16, $17) returning id`,
        values,
      );
      id = Number(inserted!.id);
    }
    const validity = `vigente del ${formatCertificateDate(info.validFrom)} al ${formatCertificateDate(info.validTo)}`;
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description:
        `Instalación del CSD ${serial} (${validation.rfc}, ${info.subjectName}; ${validity})${info.isTest ? " — certificado de pruebas del SAT" : ""}` +
        (previous ? `; sustituye al CSD ${previous.serial_number}, que queda Inactivo` : ""),
      details: {
        kind: "instalacion_csd",
        requirement: "A30-CSD-01",
        certificateId: id,
        noCertificado: serial,
        rfc: validation.rfc,
        subjectName: info.subjectName,
        issuer: issuerName,
        validFrom: info.validFrom.toISOString(),
        validTo: info.validTo.toISOString(),
        fingerprint256: info.fingerprint256,
        isTest: info.isTest,
        reinstalled: Boolean(existing),
        replaced: previous ? { certificateId: Number(previous.id), noCertificado: previous.serial_number } : null,
      },
    });
    await recordSecurityEvent(
      tx,
      securityEntry("success", { action: "instalacion_csd", noCertificado: serial, taxpayerRfc: taxpayer.rfc, replaced: previous?.serial_number ?? null, eventLogId: entry.id }),
      now,
    );
    return {
      ok: true as const,
      value: {
        certificate: await certificateView(tx, id, now),
        replaced: previous ? { id: Number(previous.id), noCertificado: previous.serial_number } : null,
        eventLogId: entry.id,
      },
    };
  });
}

function normalised(value: string): string {
  return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().trim();
}

export type CsdUnavailableCode = "none" | "ambiguous" | "expired" | "not_yet_valid" | "unreadable";

/** Why reports cannot be sealed now (A30-RPT-03: "sin CSD activo"). */
export class CsdUnavailableError extends Error {
  constructor(
    readonly code: CsdUnavailableCode,
    message: string,
  ) {
    super(message);
    this.name = "CsdUnavailableError";
  }
}

export const NO_ACTIVE_CSD_MESSAGE =
  "No se puede sellar: sin CSD activo (no hay un CSD activo instalado). El Administrador debe instalar el Certificado de Sello Digital en «Certificados».";

export interface ActiveSigner {
  certificateId: number;
  taxpayerId: number;
  noCertificado: string;
  rfc: string;
  certificateDer: Buffer;
  /** The decrypted private key: for signing only, never exported, logged or returned by an API. */
  privateKey: KeyObject;
  validTo: Date;
  /** SAT test certificate: "PRUEBAS" badge on what it seals (A30-CSD-06). */
  isTest: boolean;
}

interface SecretRow {
  id: number;
  taxpayer_id: number;
  serial_number: string;
  rfc: string;
  valid_from: Date | string;
  valid_to: Date | string;
  certificate_der_base64: string;
  encrypted_private_key: Buffer | Uint8Array;
  private_key_iv: Buffer | Uint8Array;
  private_key_tag: Buffer | Uint8Array;
  encrypted_password: Buffer | Uint8Array;
  password_iv: Buffer | Uint8Array;
  password_tag: Buffer | Uint8Array;
  is_test: boolean;
}

// The Activo certificates with their sealed secrets (services only, never an API); $1 optional taxpayer id.
const ACTIVE_SECRETS_SQL = `select id, taxpayer_id, serial_number, rfc, valid_from, valid_to, certificate_der_base64, encrypted_private_key, private_key_iv,
    private_key_tag, encrypted_password, password_iv, password_tag, is_test
  from csd_certificates where status = 'active' and ($1::integer is null or taxpayer_id = $1) order by id`;

const bytes = (value: Buffer | Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value));

/** Opens the stored key with its password and checks it still matches the stored certificate. Throws a Spanish Error. */
function openStoredSigner(row: SecretRow, keyHex: string, now: Date): { certificateDer: Buffer; privateKey: KeyObject } {
  const serial = row.serial_number;
  const taxpayerId = Number(row.taxpayer_id);
  const certificateDer = Buffer.from(row.certificate_der_base64, "base64");
  let keyDer: Buffer;
  let password: Buffer;
  try {
    keyDer = openSecretParts(
      { ciphertext: bytes(row.encrypted_private_key), iv: bytes(row.private_key_iv), tag: bytes(row.private_key_tag) },
      keyHex,
      csdSecretAad(taxpayerId, serial, "private_key"),
    );
    password = openSecretParts({ ciphertext: bytes(row.encrypted_password), iv: bytes(row.password_iv), tag: bytes(row.password_tag) }, keyHex, csdSecretAad(taxpayerId, serial, "password"));
  } catch {
    throw new Error("su llave privada guardada no se puede descifrar con la clave AFORO_ENCRYPTION_KEY actual (¿cambió la clave o se alteraron los datos?)");
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyDer, format: "der", type: "pkcs8", passphrase: password });
  } catch {
    throw new Error("la contraseña guardada ya no abre su llave privada");
  } finally {
    password.fill(0);
  }
  let matches = false;
  try {
    matches = keyMatchesCertificate(privateKey, inspectCertificate(certificateDer, now));
  } catch {
    matches = false;
  }
  if (!matches) throw new Error("su llave privada no corresponde al certificado guardado");
  return { certificateDer, privateKey };
}

/**
 * The Activo CSD ready to seal (A30-RPT-03), for the taxpayer given or the only one with an Activo
 * CSD. Throws CsdUnavailableError: "sin CSD activo", expired / not yet valid at `now`, or erroneous
 * (the stored key no longer opens).
 */
export async function activeSigner(db: SqlExecutor, now: Date, keyHex: string, options: { taxpayerId?: number } = {}): Promise<ActiveSigner> {
  const rows = await db.query<SecretRow>(ACTIVE_SECRETS_SQL, [options.taxpayerId ?? null]);
  if (rows.length === 0) throw new CsdUnavailableError("none", NO_ACTIVE_CSD_MESSAGE);
  if (rows.length > 1) throw new CsdUnavailableError("ambiguous", "Hay un CSD activo por cada contribuyente registrado: indique el contribuyente cuyo CSD sella el reporte.");
  const row = rows[0]!;
  const validFrom = toDate(row.valid_from);
  const validTo = toDate(row.valid_to);
  if (now.getTime() > validTo.getTime()) {
    throw new CsdUnavailableError("expired", `No se puede sellar: el CSD activo ${row.serial_number} caducó el ${formatCertificateDate(validTo)}. Instale un CSD vigente en «Certificados».`);
  }
  if (now.getTime() < validFrom.getTime()) {
    throw new CsdUnavailableError("not_yet_valid", `No se puede sellar: el CSD activo ${row.serial_number} es vigente a partir del ${formatCertificateDate(validFrom)}.`);
  }
  let opened: { certificateDer: Buffer; privateKey: KeyObject };
  try {
    opened = openStoredSigner(row, keyHex, now);
  } catch (error) {
    throw new CsdUnavailableError("unreadable", `No se puede sellar: el CSD activo ${row.serial_number} es erróneo: ${(error as Error).message}. Vuelva a instalarlo en «Certificados».`);
  }
  return {
    certificateId: Number(row.id),
    taxpayerId: Number(row.taxpayer_id),
    noCertificado: row.serial_number,
    rfc: row.rfc,
    certificateDer: opened.certificateDer,
    privateKey: opened.privateKey,
    validTo,
    isTest: row.is_test,
  };
}

export interface StatusRefresh {
  /** Activo certificates whose validity ended: now Inactivo "caducado". */
  expired: string[];
  /** Activo certificates whose stored key no longer opens or matches: now Erróneo. */
  errored: string[];
}

/**
 * A30-CSD-03/05: stores the state changes time makes. Each Activo certificate whose validity
 * ended becomes Inactivo "caducado" (state date = its end of validity); with `keyHex`, each Activo
 * whose stored key no longer opens with that key or no longer matches becomes Erróneo. One
 * bitácora entry per change, by "sistema". Meant for a scheduled job (daily, and at start-up).
 * Raising the A30-CSD-05 alarm is the caller's job (the returned serials).
 */
export async function refreshCertificateStatuses(db: Database, now: Date, keyHex?: string): Promise<StatusRefresh> {
  const result: StatusRefresh = { expired: [], errored: [] };
  const rows = await db.query<SecretRow>(ACTIVE_SECRETS_SQL, [null]);
  for (const row of rows) {
    const validTo = toDate(row.valid_to);
    let change: { status: CsdStatus; info: string; at: Date; description: string } | null = null;
    if (now.getTime() > validTo.getTime()) {
      change = { status: "expired", info: EXPIRED_INFO, at: validTo, description: `El CSD ${row.serial_number} caducó el ${formatCertificateDate(validTo)}: queda Inactivo (caducado)` };
    } else if (keyHex !== undefined) {
      try {
        openStoredSigner(row, keyHex, now);
      } catch (error) {
        change = { status: "error", info: (error as Error).message, at: now, description: `El CSD ${row.serial_number} queda Erróneo: ${(error as Error).message}` };
      }
    }
    if (!change) continue;
    const applied = await db.transaction(async (tx) => {
      const updated = await tx.query<{ id: number }>(
        "update csd_certificates set status = $2, status_info = $3, status_changed_at = $4 where id = $1 and status = 'active' returning id",
        [row.id, change.status, change.info, change.at],
      );
      if (updated.length === 0) return false;
      await appendAdministrationEntry(tx, {
        time: now,
        userId: null,
        username: "sistema",
        description: change.description,
        details: {
          kind: change.status === "expired" ? "csd_caducado" : "csd_erroneo",
          requirement: change.status === "expired" ? "A30-CSD-05" : "A30-CSD-03",
          certificateId: Number(row.id),
          noCertificado: row.serial_number,
          status: change.status,
          stateLabel: CSD_STATE_LABELS[change.status],
        },
      });
      return true;
    });
    if (applied) (change.status === "expired" ? result.expired : result.errored).push(row.serial_number);
  }
  return result;
}
