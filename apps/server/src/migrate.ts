import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createDb } from "@genflow/db";

import { EnvError, loadDotEnvFile, loadEnv } from "./env";

/** Applies the committed migrations and exits: `pnpm db:migrate`, or a release step before start. */
async function migrate() {
  loadDotEnvFile();
  const env = loadEnv();
  const bundled = fileURLToPath(new URL("./migrations", import.meta.url));
  const db = await createDb({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: path.join(env.DATA_DIR, "pglite"),
    migrationsFolder: existsSync(bundled) ? bundled : undefined,
  });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  console.info(`Migrations applied (${db.driver}).`);
}

migrate().catch((error: unknown) => {
  console.error(
    error instanceof EnvError
      ? error.message
      : `Migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
