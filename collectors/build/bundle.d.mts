import type { BuildResult } from "esbuild";

export declare const REPO: string;
export declare const EXTERNAL: string[];
export declare function bundleCollector(options?: {
  entryPoints?: Record<string, string>;
  outdir?: string;
  copyMigrations?: boolean;
  metafile?: boolean;
}): Promise<BuildResult<{ metafile: true }>>;
