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
  /**
   * Embedded PGlite has no autovacuum: this vacuums and analyzes the tables that Postgres's
   * autovacuum would with its default settings, one table at a time, letting other work run
   * between them. Rows that updates and deletes leave behind are otherwise never reclaimed, and
   * tables that change all day (tasks, their events, streaming replies) grow without end. On
   * Postgres, autovacuum does this itself and the call does nothing.
   */
  vacuum(): Promise<VacuumReport>;
  close(): Promise<void>;
}

export interface VacuumReport {
  /** Tables vacuumed (and analyzed). */
  vacuumed: string[];
  /** Tables only analyzed (their statistics were stale, but few rows were dead). */
  analyzed: string[];
}

/**
 * The tables due for a vacuum or an analyze by Postgres's own autovacuum rules with its default
 * settings: dead rows above 50 + 20% of the table's rows, or rows changed since the last analyze
 * above 50 + 10%.
 */
const tablesDueForVacuum = sql`
  select quote_ident(s.schemaname) || '.' || quote_ident(s.relname) as "table",
    s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) as "vacuum",
    s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as "analyze"
  from pg_stat_user_tables s
  join pg_class c on c.oid = s.relid
  order by s.n_dead_tup desc`;

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
      // No JIT: GenFlow's statements are short, and Postgres compiles any whose estimated cost
      // passes `jit_above_cost` on every run (the task queue's claim, planned for many owners,
      // spent 60 ms compiling to run for 3 ms; see docs/benchmarks.md).
      connection: { application_name: "genflow", jit: "off" },
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
      vacuum: () => Promise.resolve({ vacuumed: [], analyzed: [] }),
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
    async vacuum() {
      const report: VacuumReport = { vacuumed: [], analyzed: [] };
      // Table statistics reach the views at most once a second; take the latest.
      await db.execute(sql`select pg_stat_force_next_flush()`);
      const due = await db.execute<{ table: string; vacuum: boolean; analyze: boolean }>(
        tablesDueForVacuum,
      );
      for (const table of due.rows) {
        if (!table.vacuum && !table.analyze) continue;
        // VACUUM cannot run in a transaction; PGlite runs each statement between other queries.
        await client.exec(`${table.vacuum ? "vacuum (analyze)" : "analyze"} ${table.table}`);
        (table.vacuum ? report.vacuumed : report.analyzed).push(table.table);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return report;
    },
    async close() {
      await client.close();
    },
  };
}
