import { randomBytes } from "node:crypto";

import postgres from "postgres";

import { createDb, type DbHandle } from "./client";

export interface TestDatabase extends DbHandle {
  /** The URL of the throwaway database (postgres only). */
  url: string | undefined;
  /** Closes the connection and drops the throwaway database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or a new
 * database created next to `databaseUrl` (and dropped afterwards) when one is given.
 */
export async function createTestDatabase(databaseUrl?: string): Promise<TestDatabase> {
  if (!databaseUrl) {
    const handle = await createDb({ pgliteDir: "memory://" });
    await handle.migrate();
    return { ...handle, url: undefined, destroy: () => handle.close() };
  }
  const name = `genflow_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), maxConnections: 5 });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    async destroy() {
      await handle.close();
      const dropper = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}
