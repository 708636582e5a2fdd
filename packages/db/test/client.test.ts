import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";

import { createDb } from "../src/client";
import { createTestDatabase } from "../src/testing";

const databaseUrl = process.env.DATABASE_URL;

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

async function tableNames(db: Awaited<ReturnType<typeof createDb>>["db"]): Promise<string[]> {
  const rows = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rowsOf<{ table_name: string }>(rows).map((r) => r.table_name);
}

describe(`database client (${databaseUrl ? "postgres" : "pglite"})`, () => {
  const opened: { destroy(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const handle of opened) await handle.destroy();
  });

  it("creates an isolated database with every table migrated", async () => {
    const handle = await createTestDatabase(databaseUrl);
    opened.push(handle);
    expect(handle.driver).toBe(databaseUrl ? "postgres" : "pglite");
    const tables = await tableNames(handle.db);
    expect(tables).toEqual(expect.arrayContaining(["user", "session", "account", "user_events"]));
    await expect(handle.ping()).resolves.toBeUndefined();
  });

  it("applies migrations idempotently, also from concurrent callers", async () => {
    const handle = await createTestDatabase(databaseUrl);
    opened.push(handle);
    if (handle.url) {
      const a = await createDb({ databaseUrl: handle.url, maxConnections: 2 });
      const b = await createDb({ databaseUrl: handle.url, maxConnections: 2 });
      await Promise.all([a.migrate(), b.migrate()]);
      await Promise.all([a.close(), b.close()]);
    } else {
      await handle.migrate();
    }
    const applied = await handle.db.execute<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    const [row] = rowsOf<{ n: number }>(applied);
    expect(row?.n).toBeGreaterThan(0);
    await handle.migrate();
    const again = rowsOf<{ n: number }>(
      await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    expect(again[0]?.n).toBe(row?.n);
  });

  it.runIf(databaseUrl)("runs its statements without JIT compilation", async () => {
    const handle = await createTestDatabase(databaseUrl);
    opened.push(handle);
    const rows = rowsOf<{ jit: string }>(
      await handle.db.execute(sql`select current_setting('jit') as jit`),
    );
    expect(rows[0]?.jit).toBe("off");
  });

  it.runIf(databaseUrl)("drops the throwaway database on destroy", async () => {
    const handle = await createTestDatabase(databaseUrl);
    const name = new URL(handle.url ?? "").pathname.slice(1);
    await handle.destroy();
    const admin = postgres(databaseUrl ?? "", { max: 1 });
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    await admin.end();
    expect(rows.length).toBe(0);
  });

  it("vacuums what updates left behind on PGlite, as autovacuum does on Postgres", async () => {
    const handle = await createTestDatabase(databaseUrl);
    opened.push(handle);
    await handle.db.execute(sql`create table churn (id int primary key, n int not null)`);
    await handle.db.execute(sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    for (let i = 0; i < 5; i++) await handle.db.execute(sql`update churn set n = n + 1`);
    const deadRows = async () =>
      rowsOf<{ n: number }>(
        await handle.db.execute(
          sql`select n_dead_tup::int as n from pg_stat_user_tables where relname = 'churn'`,
        ),
      )[0]?.n;

    const report = await handle.vacuum();
    if (databaseUrl) {
      // Postgres's own autovacuum looks after it; the call leaves it alone.
      expect(report).toEqual({ vacuumed: [], analyzed: [] });
      return;
    }
    expect(report.vacuumed).toContain("public.churn");
    expect(await deadRows()).toBe(0);
    // Nothing changed since: nothing is due.
    expect((await handle.vacuum()).vacuumed).not.toContain("public.churn");
    // A few changes are below the threshold, as for autovacuum.
    await handle.db.execute(sql`update churn set n = n + 1 where id <= 10`);
    expect((await handle.vacuum()).vacuumed).not.toContain("public.churn");
  });
});
