import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEncryptedPrivateKey, signDetachedCms, verifyDetachedCms } from "../../../../../server/domain/csd/index";
import { certificatePem, FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";

const SIGNING_TIME = new Date("2026-12-01T00:00:00Z");

function keyOf(name: "ekuCsd" | "cacxCsd") {
  const opened = openEncryptedPrivateKey(pair(name).key, FIXTURE_PASSWORD);
  if (!opened.ok) throw new Error(opened.reason);
  return opened.key;
}

/** A small but real ZIP-like payload (binary, all byte values). */
const content = Buffer.concat([Buffer.from("PK\u0003\u0004", "latin1"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))]);

function openssl(dir: string, signature: Buffer, payload: Buffer, certificateDer: Buffer): { status: number | null; stderr: string } {
  writeFileSync(path.join(dir, "sig.p7s"), signature);
  writeFileSync(path.join(dir, "file.zip"), payload);
  writeFileSync(path.join(dir, "cert.pem"), certificatePem(certificateDer));
  const run = spawnSync(
    "openssl",
    ["cms", "-verify", "-binary", "-inform", "DER", "-in", path.join(dir, "sig.p7s"), "-content", path.join(dir, "file.zip"), "-certfile", path.join(dir, "cert.pem"), "-noverify", "-out", "/dev/null"],
    { encoding: "utf8" },
  );
  return { status: run.status, stderr: run.stderr };
}

describe("detached CMS seal of report packages (A30-RPT-03, issue #6 item 10)", () => {
  let dir: string;
  let signature: Buffer;
  const eku = pair("ekuCsd");

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "aforo-cms-"));
    signature = signDetachedCms(content, eku.cer, keyOf("ekuCsd"), SIGNING_TIME);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("produces DER SignedData that does not embed the content", () => {
    expect(signature[0]).toBe(0x30);
    expect(signature.includes(content.subarray(0, 64))).toBe(false);
    // The signer certificate is embedded.
    expect(signature.includes(eku.cer)).toBe(true);
  });

  it("openssl cms -verify … -noverify succeeds on the original content", () => {
    const result = openssl(dir, signature, content, eku.cer);
    expect(result.stderr).toMatch(/Verification successful/);
    expect(result.status).toBe(0);
  });

  it("verifyDetachedCms accepts it, with the signer's 20-digit number and the signing time", () => {
    expect(verifyDetachedCms(content, signature)).toEqual({ ok: true, signerNoCertificado: "30001000000500003416", signingTime: SIGNING_TIME });
    expect(verifyDetachedCms(content, signature, eku.cer)).toMatchObject({ ok: true, signerNoCertificado: "30001000000500003416" });
  });

  it("one altered byte of the content: openssl and verifyDetachedCms both fail", () => {
    for (const index of [0, 100, content.length - 1]) {
      const altered = Buffer.from(content);
      altered[index] = altered[index]! ^ 0x01;
      const result = openssl(dir, signature, altered, eku.cer);
      expect(result.status, `byte ${index}`).not.toBe(0);
      expect(result.stderr).toMatch(/digest failure|Verification failure/i);
      const ours = verifyDetachedCms(altered, signature);
      expect(ours.ok).toBe(false);
      expect(ours.reason).toMatch(/el archivo fue modificado/);
    }
  });

  it("one altered byte of the signature value fails", () => {
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 0xff;
    const ours = verifyDetachedCms(content, tampered);
    expect(ours.ok).toBe(false);
    expect(ours.reason).toMatch(/firma digital no es válida/);
    expect(openssl(dir, tampered, content, eku.cer).status).not.toBe(0);
  });

  it("verification against another certificate fails", () => {
    const other = pair("cacxCsd").cer;
    const ours = verifyDetachedCms(content, signature, other);
    expect(ours.ok).toBe(false);
    expect(ours.reason).toMatch(/otro certificado/);
  });

  it("a signature made with a key of another certificate does not verify", () => {
    const forged = signDetachedCms(content, eku.cer, keyOf("cacxCsd"), SIGNING_TIME);
    expect(verifyDetachedCms(content, forged).ok).toBe(false);
    expect(openssl(dir, forged, content, eku.cer).status).not.toBe(0);
  });

  it("garbage, empty or truncated signatures are refused with a reason", () => {
    expect(verifyDetachedCms(content, Buffer.from("no es una firma"))).toMatchObject({ ok: false, reason: expect.stringMatching(/no es una firma CMS/) });
    expect(verifyDetachedCms(content, Buffer.alloc(0))).toMatchObject({ ok: false, reason: expect.stringMatching(/vacío/) });
    expect(verifyDetachedCms(content, signature.subarray(0, signature.length - 20)).ok).toBe(false);
  });

  it("signing time defaults to the moment of signing", () => {
    const before = Date.now();
    const sig = signDetachedCms(Buffer.from("x"), eku.cer, keyOf("ekuCsd"));
    const time = verifyDetachedCms(Buffer.from("x"), sig).signingTime!;
    // UTCTime has whole seconds.
    expect(time.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(time.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("signs an empty file too", () => {
    const sig = signDetachedCms(Buffer.alloc(0), eku.cer, keyOf("ekuCsd"), SIGNING_TIME);
    expect(verifyDetachedCms(Buffer.alloc(0), sig).ok).toBe(true);
    expect(verifyDetachedCms(Buffer.from([0]), sig).ok).toBe(false);
  });
});
