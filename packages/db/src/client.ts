import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type the domain sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** A database or an open transaction: query functions accept either. */
export type DbOrTx = Database | Transaction;

export type DbDriver = "pglite" | "postgres";

export interface DbHandle {
  db: Database;
  driver: DbDriver;
  /** Applies committed migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** postgres:// URL. When absent, an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite storage folder, or "memory://" for an in-memory database. */
  pgliteDir?: string;
  /** Folder with drizzle-kit migrations. Defaults to this package's `migrations/`. */
  migrationsFolder?: string;
  /** Max pooled connections for postgres. */
  maxConnections?: number;
}

export const defaultMigrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

const MIGRATION_LOCK_ID = 7_201_946_551;

export async function createDb(options: CreateDbOptions): Promise<DbHandle> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder;
  const casing = "snake_case" as const;

  if (options.databaseUrl) {
    const url = options.databaseUrl;
    const client = postgres(url, {
      max: options.maxConnections ?? 10,
      onnotice: () => undefined,
      connection: { application_name: "genflow" },
    });
    const db = drizzlePostgres(client, { schema, casing });
    return {
      db,
      driver: "postgres",
      async migrate() {
        // One connection holds an advisory lock so concurrent starts migrate exactly once.
        const lockClient = postgres(url, { max: 1, onnotice: () => undefined });
        try {
          await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
          await migratePostgres(drizzlePostgres(lockClient, { casing }), { migrationsFolder });
          await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        } finally {
          await lockClient.end({ timeout: 5 });
        }
      },
      async ping() {
        await db.execute(sql`select 1`);
      },
      async close() {
        await client.end({ timeout: 5 });
      },
    };
  }

  const dir = options.pgliteDir ?? "memory://";
  if (!dir.startsWith("memory://")) await mkdir(path.resolve(dir), { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzlePglite(client, { schema, casing });
  return {
    db,
    driver: "pglite",
    async migrate() {
      await migratePglite(db, { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.close();
    },
  };
}
