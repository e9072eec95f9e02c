import type { ReleaseStatus } from "../../server/domain/release/index";
import { currentRelease } from "../../server/services/release/current";

/**
 * Version and unique identifier of the running program (A30-SEC-14, A30 30.6.2 XI): the global
 * SHA-256 of the shipped files, abbreviated, the full value in the tooltip. Flags a missing
 * manifest and, in red, files that do not match it (the start-up check also raised a type-3 alarm).
 * Server component: reads the check that server/start-server.ts registered (or the `release` prop).
 */
export function ReleaseFooter({ release = currentRelease() }: { release?: ReleaseStatus | null }) {
  if (!release) {
    return (
      <footer className="release-footer muted" data-testid="release-footer" data-state="unchecked">
        Aforo · integridad de los archivos sin verificar
      </footer>
    );
  }
  const altered = release.manifest === "mismatch";
  return (
    <footer
      className={`release-footer ${altered ? "form-error" : "muted"}`}
      data-testid="release-footer"
      data-state={release.manifest}
      title={release.hash}
      role={altered ? "alert" : undefined}
    >
      Aforo v{release.version} · SHA-256 {release.hash.slice(0, 12)}…
      {release.manifest === "absent" ? " · sin manifiesto" : null}
      {altered ? " · ¡archivos alterados!" : null}
    </footer>
  );
}
