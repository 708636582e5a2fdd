import path from "node:path";

import { createDb } from "@genflow/db";

import { loadEnv } from "./env";

const env = loadEnv();
const db = await createDb({ databaseUrl: env.DATABASE_URL, pgliteDir: path.join(env.DATA_DIR, "pglite") });
await db.migrate();
await db.close();
console.info(`Migrations applied (${db.driver}).`);
