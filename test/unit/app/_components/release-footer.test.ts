import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it } from "vitest";
import { ReleaseFooter } from "../../../../app/_components/release-footer";
import type { ReleaseStatus } from "../../../../server/domain/release/index";
import { registerRelease, unregisterRelease } from "../../../../server/services/release/current";

const HASH = "0123456789abcdef".repeat(4);
const status = (manifest: ReleaseStatus["manifest"]): ReleaseStatus => ({ version: "0.1.0", hash: HASH, manifest, changed: [], missing: [], added: [] });
const render = (release?: ReleaseStatus | null) => renderToStaticMarkup(createElement(ReleaseFooter, release === undefined ? {} : { release }));

afterEach(() => unregisterRelease());

describe("UI footer: version and SHA-256 of the running program (A30-SEC-14)", () => {
  it("shows the version and the first 12 hex digits, the full hash in the title", () => {
    const html = render(status("verified"));
    expect(html).toContain('data-testid="release-footer"');
    expect(html).toContain(`title="${HASH}"`);
    expect(html).toContain("Aforo v0.1.0 · SHA-256 0123456789ab…");
    expect(html).not.toContain("sin manifiesto");
    expect(html).not.toContain("alterados");
  });

  it("flags a missing manifest and altered files", () => {
    expect(render(status("absent"))).toContain(" · sin manifiesto");
    const altered = render(status("mismatch"));
    expect(altered).toContain("¡archivos alterados!");
    expect(altered).toContain('role="alert"');
    expect(altered).toContain('data-state="mismatch"');
  });

  it("reads the registered start-up check by default, and says when there is none", () => {
    expect(render()).toContain("integridad de los archivos sin verificar");
    registerRelease(status("verified"));
    expect(render()).toContain("SHA-256 0123456789ab…");
  });
});
