import { is, SQL } from "drizzle-orm";

import type { DbOrTx } from "./client";

/** The parts of drizzle's Postgres database (and transaction) that build and run a query. */
interface QueryRunner {
  dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string | undefined,
      isResponseInArrayMode: boolean,
    ): { execute(): Promise<unknown> };
  };
}

/** A statement's text with `$n` placeholders, and its parameters as the driver takes them. */
export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** `query` as text and parameters, as drizzle would send it to this database's driver. */
export function buildQuery(db: DbOrTx, query: SQL): BuiltQuery {
  return (db as unknown as QueryRunner).dialect.sqlToQuery(query);
}

/**
 * Runs a raw SQL statement as a prepared statement and returns its rows (column names as in the
 * database, values as the driver gives them).
 *
 * `db.execute` sends every statement unprepared, so Postgres parses and plans it on every call;
 * for a large statement on a hot path (the task queue's claim, for one) that costs more than running
 * it. Prepared, postgres.js parses it once per connection and Postgres can reuse its plan. PGlite
 * runs it as `db.execute` would. A statement built ahead (`BuiltQuery`) skips drizzle's
 * rendering too. `name` only marks the statement as prepared: postgres.js names
 * prepared statements itself, after their text.
 */
export async function executePrepared<T>(
  db: DbOrTx,
  name: string,
  query: SQL | BuiltQuery,
): Promise<T[]> {
  const runner = db as unknown as QueryRunner;
  const built = is(query, SQL) ? runner.dialect.sqlToQuery(query) : query;
  const result = await runner.session.prepareQuery(built, undefined, name, false).execute();
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
