import { cp, readFile, rm } from "node:fs/promises";
import { isBuiltin } from "node:module";

import { defineConfig } from "tsup";

interface Metafile {
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Everything the bundle leaves external must be a runtime dependency of this package; otherwise
 * `node dist/main.js` (or the production image, which installs only `dependencies`) fails to
 * resolve it.
 */
async function assertExternalsDeclared(): Promise<void> {
  const manifest = JSON.parse(await readFile("package.json", "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const metafile = JSON.parse(await readFile("dist/metafile-esm.json", "utf8")) as Metafile;
  const missing = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const entry of output.imports) {
      if (!entry.external || isBuiltin(entry.path) || entry.path.startsWith(".")) continue;
      const name = packageName(entry.path);
      if (!declared.has(name)) missing.add(name);
    }
  }
  await rm("dist/metafile-esm.json");
  if (missing.size > 0) {
    throw new Error(
      `The bundle imports packages missing from apps/server/package.json dependencies: ${[...missing].join(", ")}`,
    );
  }
}

// Workspace packages are bundled (they ship TypeScript source); npm dependencies stay external.
export default defineConfig({
  entry: {
    main: "src/main.ts",
    migrate: "src/migrate.ts",
    // Loaded by the card renderer's worker threads (see deps.ts).
    "render-worker": "../../packages/core/src/generate/render/worker.ts",
    // Loaded by the background-removal engine's inference thread.
    "cutout-worker": "../../packages/core/src/cutout/inference/worker.ts",
  },
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  clean: true,
  metafile: true,
  noExternal: [/^@genflow\//],
  async onSuccess() {
    await assertExternalsDeclared();
    await cp("../../packages/db/migrations", "dist/migrations", { recursive: true });
  },
});
