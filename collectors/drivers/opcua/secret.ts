/**
 * A secret (password) that cannot leak through a log line, a JSON dump or `console.log`: every
 * way of turning it into text gives the mask. Only `reveal()` returns the value, and only the code
 * that hands it to the protocol stack calls it.
 */
export const SECRET_MASK = "********";

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

export class SecretString {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value: only for the call that sends it to the server. */
  reveal(): string {
    return this.#value;
  }

  /** Constant-time comparison with another secret or string (simulator, tests). */
  equals(other: SecretString | string): boolean {
    const a = Buffer.from(this.#value, "utf8");
    const b = Buffer.from(typeof other === "string" ? other : other.reveal(), "utf8");
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i += 1) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
    return diff === 0;
  }

  toString(): string {
    return SECRET_MASK;
  }

  toJSON(): string {
    return SECRET_MASK;
  }

  [inspectSymbol](): string {
    return `SecretString(${SECRET_MASK})`;
  }
}

export function revealSecret(secret: SecretString | string): string {
  return typeof secret === "string" ? secret : secret.reveal();
}
