import { cp } from "node:fs/promises";

import { defineConfig } from "tsup";

// Workspace packages are bundled (they ship TypeScript source); npm dependencies stay external.
export default defineConfig({
  entry: { main: "src/main.ts", migrate: "src/migrate.ts" },
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  clean: true,
  noExternal: [/^@genflow\//],
  async onSuccess() {
    await cp("../../packages/db/migrations", "dist/migrations", { recursive: true });
  },
});
