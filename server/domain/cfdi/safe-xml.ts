import { XMLParser, XMLValidator } from "fast-xml-parser";

/**
 * Safe XML reading for CFDI import (A30-CFDI-07): every guard runs on the raw input BEFORE any
 * parsing — size limit, UTF-8, no binary/control characters, no DTD or entity declarations
 * (billion laughs, XXE, parameter entities) — and only then fast-xml-parser runs with entity
 * processing off. The five predefined XML entities and numeric character references are decoded
 * here; any other `&name;` is rejected (without a DTD it cannot be defined). The result is a small
 * namespace-resolved element tree, so `cfdi:`, `tfd:`, `pago20:`… are recognised by namespace URI,
 * whatever prefix the issuer chose.
 */

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Deepest element nesting accepted (a CFDI with Pagos 2.0 taxes is about 8 levels deep). */
export const MAX_DEPTH = 64;

export type XmlRejectionCode =
  | "empty"
  | "too_large"
  | "not_utf8"
  | "binary"
  | "unsupported_encoding"
  | "dtd_forbidden"
  | "entity_forbidden"
  | "malformed";

export interface XmlRejection {
  ok: false;
  code: XmlRejectionCode;
  reason: string;
}

export interface XmlElement {
  /** Qualified name as written, e.g. "cfdi:Concepto". */
  name: string;
  localName: string;
  /** Namespace URI resolved from the in-scope xmlns declarations ("" when none). */
  namespace: string;
  /** Attribute values (entity-decoded, XML attribute-value normalised), keyed by the name as written. */
  attributes: Map<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside the element (decoded). */
  text: string;
}

export interface XmlDocument {
  ok: true;
  root: XmlElement;
  /** Every namespace URI declared in the document, in order of first appearance. */
  namespaces: string[];
}

function reject(code: XmlRejectionCode, reason: string): XmlRejection {
  return { ok: false, code, reason };
}

/** Characters XML 1.0 forbids (C0 controls except TAB/LF/CR, U+FFFE/U+FFFF) and lone surrogates. */
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Any markup declaration: only legal inside a DTD, which a CFDI never has. Searched in the whole
 * text (comments and CDATA included): conservative on purpose, a real CFDI never contains it.
 */
const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i;
const XML_DECLARATION_ENCODING = /^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/;

/**
 * Decodes the input to text and runs the pre-parse guards. Cheap: one length check first (a
 * 50 MB input is refused without being decoded or scanned), then linear scans.
 */
export function decodeXmlInput(input: string | Uint8Array, maxBytes: number): { ok: true; text: string } | XmlRejection {
  let text: string;
  if (typeof input === "string") {
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: the length alone decides unless it is in between.
    if (input.length > maxBytes) return reject("too_large", tooLarge(input.length, maxBytes, true));
    if (input.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(input, "utf8");
      if (bytes > maxBytes) return reject("too_large", tooLarge(bytes, maxBytes, false));
    }
    text = input;
  } else {
    if (input.byteLength > maxBytes) return reject("too_large", tooLarge(input.byteLength, maxBytes, false));
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
    } catch {
      return reject("not_utf8", "el archivo no es texto UTF-8 válido (¿archivo binario o en otra codificación?); el CFDI debe estar en UTF-8");
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return reject("empty", "archivo vacío: no contiene XML");
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden) {
    return reject("binary", `contenido binario o carácter de control no permitido en XML (U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} en la posición ${forbidden.index})`);
  }
  const declaration = DECLARATION.exec(text);
  if (declaration) {
    const kind = declaration[1]!.toUpperCase();
    return kind === "DOCTYPE"
      ? reject("dtd_forbidden", "DTD no permitido: el XML declara <!DOCTYPE> (posibles entidades externas o expansión de entidades); un CFDI no lleva DTD")
      : reject("dtd_forbidden", `DTD no permitido: el XML contiene una declaración <!${kind}> (entidades no permitidas)`);
  }
  const encoding = XML_DECLARATION_ENCODING.exec(text.trimStart())?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    return reject("unsupported_encoding", `codificación no soportada: ${encoding}; el CFDI debe estar en UTF-8`);
  }
  return { ok: true, text };
}

function tooLarge(size: number, maxBytes: number, atLeast: boolean): string {
  return `archivo demasiado grande: ${atLeast ? "al menos " : ""}${size} bytes (máximo ${maxBytes} bytes)`;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const REFERENCE = /&([^;&\s]*);?/g;

/** A well-formedness or entity problem found while building the tree. */
class XmlReadError extends Error {
  constructor(
    readonly code: XmlRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** Decodes &lt; &gt; &amp; &quot; &apos; &#N; &#xH;. Anything else is an undeclared entity → error. */
function decodeReferences(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(REFERENCE, (whole, name: string) => {
    if (!whole.endsWith(";")) throw new XmlReadError("malformed", `XML mal formado: referencia de entidad sin «;»: «${whole.slice(0, 20)}»`);
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (numeric) {
      const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) throw new XmlReadError("malformed", `XML mal formado: referencia de carácter no permitida: &${name};`);
      return String.fromCodePoint(code);
    }
    throw new XmlReadError("entity_forbidden", `entidad no permitida: &${name}; (sin DTD solo se admiten &lt; &gt; &amp; &quot; &apos; y referencias numéricas)`);
  });
}

/** XML 1.0 §3.3.3: literal TAB/CR/LF in an attribute value become spaces (character references stay). */
function attributeValue(raw: string): string {
  if (raw.includes("<")) throw new XmlReadError("malformed", "XML mal formado: carácter «<» dentro del valor de un atributo");
  return decodeReferences(raw.replace(/\r\n?/g, "\n").replace(/[\t\n]/g, " "));
}

const CDATA = "#cdata";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: CDATA,
  maxNestedTags: MAX_DEPTH,
});

type OrderedNode = Record<string, unknown>;

/**
 * Full read: guards, well-formedness (XMLValidator, with line/column), parse with entities off,
 * namespace resolution. Never expands entities, never fetches anything.
 */
export function readXml(input: string | Uint8Array, options: { maxBytes?: number } = {}): XmlDocument | XmlRejection {
  const decoded = decodeXmlInput(input, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (!decoded.ok) return decoded;
  const { text } = decoded;
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    return reject("malformed", `XML mal formado (línea ${line}, columna ${col}): ${msg}`);
  }
  let ordered: OrderedNode[];
  try {
    ordered = parser.parse(text) as OrderedNode[];
  } catch (error) {
    return reject("malformed", `XML mal formado: ${(error as Error).message}`);
  }
  const roots = ordered.filter((node) => elementName(node) !== null);
  if (roots.length !== 1) return reject("malformed", `XML mal formado: se esperaba un solo elemento raíz y hay ${roots.length}`);
  if (ordered.some((node) => "#text" in node && String(node["#text"]).trim() !== "")) {
    return reject("malformed", "XML mal formado: texto fuera del elemento raíz");
  }
  const namespaces: string[] = [];
  try {
    const root = toElement(roots[0]!, new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]), namespaces, 1);
    return { ok: true, root, namespaces };
  } catch (error) {
    if (error instanceof XmlReadError) return reject(error.code, error.message);
    throw error;
  }
}

function elementName(node: OrderedNode): string | null {
  for (const key of Object.keys(node)) if (key !== ":@" && key !== "#text" && key !== CDATA) return key;
  return null;
}

function toElement(node: OrderedNode, inScope: Map<string, string>, namespaces: string[], depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new XmlReadError("malformed", `XML mal formado: anidamiento de elementos mayor a ${MAX_DEPTH}`);
  const name = elementName(node)!;
  const rawAttributes = (node[":@"] ?? {}) as Record<string, unknown>;
  const attributes = new Map<string, string>();
  let scope = inScope;
  for (const [key, value] of Object.entries(rawAttributes)) {
    const decoded = attributeValue(String(value));
    attributes.set(key, decoded);
    if (key === "xmlns" || key.startsWith("xmlns:")) {
      if (scope === inScope) scope = new Map(inScope);
      scope.set(key === "xmlns" ? "" : key.slice(6), decoded);
      if (decoded !== "" && !namespaces.includes(decoded)) namespaces.push(decoded);
    }
  }
  const colon = name.indexOf(":");
  const prefix = colon === -1 ? "" : name.slice(0, colon);
  const localName = colon === -1 ? name : name.slice(colon + 1);
  const namespace = scope.get(prefix);
  if (namespace === undefined) {
    if (prefix !== "") throw new XmlReadError("malformed", `XML mal formado: prefijo de espacio de nombres no declarado «${prefix}» en <${name}>`);
  }
  const children: XmlElement[] = [];
  let text = "";
  for (const child of (node[name] ?? []) as OrderedNode[]) {
    if (elementName(child) !== null) children.push(toElement(child, scope, namespaces, depth + 1));
    else if (CDATA in child) text += ((child[CDATA] ?? []) as OrderedNode[]).map((c) => String(c["#text"] ?? "")).join("");
    else if ("#text" in child) text += decodeReferences(String(child["#text"]));
  }
  return { name, localName, namespace: namespace ?? "", attributes, children, text };
}

/** Child elements with the given namespace URI and local name. */
export function childrenOf(element: XmlElement | null | undefined, namespace: string, localName: string): XmlElement[] {
  if (!element) return [];
  return element.children.filter((c) => c.namespace === namespace && c.localName === localName);
}

export function firstChild(element: XmlElement | null | undefined, namespace: string, localName: string): XmlElement | null {
  return childrenOf(element, namespace, localName)[0] ?? null;
}

/** Unprefixed attribute value, or null when absent. */
export function attr(element: XmlElement | null | undefined, name: string): string | null {
  return element?.attributes.get(name) ?? null;
}
