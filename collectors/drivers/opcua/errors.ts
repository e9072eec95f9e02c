/**
 * Pure classification of node-opcua failures into a code and a Spanish (es-MX) explanation for the
 * driver status, the UI and the bitácora. node-opcua reports most failures as `Error` whose message
 * carries the OPC UA StatusCode name (Part 4 §7.39 / Part 6 Annex A), so matching on names is the
 * stable part of its surface.
 */

export type OpcuaFailureKind =
  | "certificate-untrusted"
  | "certificate-invalid"
  | "security-rejected"
  | "endpoint-unavailable"
  | "access-denied"
  | "unreachable"
  | "timeout"
  | "other";

export interface OpcuaFailure {
  kind: OpcuaFailureKind;
  /** Spanish, for the status detail and the UI. */
  message: string;
  /** True when retrying cannot help until someone changes something (credentials, trust list, config). */
  needsAdministrator: boolean;
}

function firstLine(text: string, max = 160): string {
  const line = text.split("\n").map((l) => l.trim()).find((l) => l.length > 0) ?? text;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function describeOpcuaError(error: unknown): OpcuaFailure {
  const raw = error instanceof Error ? `${error.message} ${String((error as { statusCode?: unknown }).statusCode ?? "")}` : String(error);
  const text = raw.replace(/\s+/g, " ");
  if (/BadCertificateUntrusted|server Certificate verification failed/i.test(text)) {
    return {
      kind: "certificate-untrusted",
      message: "certificado del servidor no confiable: un administrador debe revisarlo y confiar en él",
      needsAdministrator: true,
    };
  }
  if (/BadCertificate(?:Issuer)?TimeInvalid/i.test(text)) {
    return { kind: "certificate-invalid", message: "certificado del servidor vencido o aún no vigente", needsAdministrator: true };
  }
  if (/BadCertificate(?:HostNameInvalid|UriInvalid|Invalid|Revoked|IssuerRevoked|UseNotAllowed|RevocationUnknown|ChainIncomplete)/i.test(text)) {
    const name = /BadCertificate\w*/.exec(text)?.[0] ?? "BadCertificateInvalid";
    return { kind: "certificate-invalid", message: `certificado del servidor inválido (${name})`, needsAdministrator: true };
  }
  if (/BadUserAccessDenied|BadIdentityToken(?:Rejected|Invalid)|BadUserSignatureInvalid/i.test(text)) {
    const name = /Bad(?:UserAccessDenied|IdentityToken\w*|UserSignatureInvalid)/.exec(text)?.[0] ?? "BadUserAccessDenied";
    return { kind: "access-denied", message: `el servidor rechazó el usuario o la contraseña (${name})`, needsAdministrator: true };
  }
  if (/cannot find endpoint for securityMode|BadSecurityPolicyRejected|BadSecurityModeRejected|Cannot find .* user token policy/i.test(text)) {
    return {
      kind: "endpoint-unavailable",
      message: "el servidor no ofrece el modo/política de seguridad o el tipo de usuario configurados",
      needsAdministrator: true,
    };
  }
  if (/BadSecurityChecksFailed|rejected by server|BadNonceInvalid|BadApplicationSignatureInvalid/i.test(text)) {
    return {
      kind: "security-rejected",
      message: "el servidor rechazó el canal seguro (¿confía en el certificado del colector?)",
      needsAdministrator: true,
    };
  }
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPIPE|cannot be established|Fail to connect|socket has been disconnected|connection may have been rejected|premature/i.test(text)) {
    return { kind: "unreachable", message: "servidor OPC UA inalcanzable", needsAdministrator: false };
  }
  if (/ETIMEDOUT|BadTimeout|sin respuesta en|timeout/i.test(text)) {
    return { kind: "timeout", message: "el servidor OPC UA no respondió a tiempo", needsAdministrator: false };
  }
  return { kind: "other", message: `error OPC UA: ${firstLine(raw)}`, needsAdministrator: false };
}
