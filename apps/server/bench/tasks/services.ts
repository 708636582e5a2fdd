// The Postgres and Redis the benchmark runs against: found from DATABASE_URL and REDIS_URL (or the
// local defaults, when those are unset and a server answers there), a throwaway database created
// next to the given one and dropped afterwards, and a random Redis key prefix deleted afterwards.
import { randomBytes } from "node:crypto";

import { createDb, type DbHandle } from "@genflow/db";
import { Redis } from "ioredis";
import postgres from "postgres";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

const PROBE_TIMEOUT_SEC = 2;

/** Hides the password of a URL for printing. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function postgresAnswers(url: string): Promise<string | undefined> {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: PROBE_TIMEOUT_SEC,
    onnotice: () => undefined,
  });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return message(error);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_SEC * 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: string | undefined;
  client.on("error", (error: Error) => (lastError = error.message));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return lastError ?? message(error);
  } finally {
    client.disconnect();
  }
}

export interface ServiceUrl {
  url: string;
  /** Said once before the run, e.g. that the default was used. */
  note: string | undefined;
}

/**
 * The URL to use for a service: the variable's value when set (and the server answers), else the
 * local default when a server answers there. Throws a message saying what to do otherwise.
 */
async function resolveService(
  variable: "DATABASE_URL" | "REDIS_URL",
  given: string | undefined,
  fallback: string,
  what: string,
  answers: (url: string) => Promise<string | undefined>,
): Promise<ServiceUrl> {
  const hint = `start one (\`docker compose up -d ${variable === "DATABASE_URL" ? "postgres" : "redis"}\`) and set ${variable}`;
  if (given) {
    const problem = await answers(given);
    if (problem)
      throw new Error(`${variable}=${redact(given)} does not answer (${problem}); ${what}`);
    return { url: given, note: undefined };
  }
  const problem = await answers(fallback);
  if (problem)
    throw new Error(
      `${variable} is not set and nothing answers at ${fallback} (${problem}). ${what}: ${hint}.`,
    );
  return { url: fallback, note: `${variable} not set; using ${fallback}, which answers` };
}

export const resolveDatabaseUrl = (given: string | undefined) =>
  resolveService(
    "DATABASE_URL",
    given,
    DEFAULT_DATABASE_URL,
    "the GenFlow contenders need Postgres",
    postgresAnswers,
  );

export const resolveRedisUrl = (given: string | undefined) =>
  resolveService(
    "REDIS_URL",
    given,
    DEFAULT_REDIS_URL,
    "the BullMQ contenders need Redis",
    redisAnswers,
  );

export interface BenchDatabase {
  /** URL of the throwaway database. */
  url: string;
  /** Server version and the settings that decide what a commit costs. */
  settings: { version: string; synchronousCommit: string; fsync: string };
  /**
   * Transactions committed or rolled back in the database so far (each statement outside a
   * transaction counts as one), once no client is connected to it, so that every one of them
   * has been counted; undefined when clients stay connected.
   */
  transactions(): Promise<number | undefined>;
  /** Drops the database. */
  drop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long `transactions()` waits for the database's clients to disconnect. */
const DISCONNECT_TIMEOUT_MS = 10_000;

/**
 * A fresh database next to `serverUrl`, migrated to GenFlow's schema. Nothing stays connected to
 * it: every user of the database opens its own client and closes it when done.
 */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `genflow_bench_${randomBytes(6).toString("hex")}`;
  const admin = () => postgres(serverUrl, { max: 1, onnotice: () => undefined });
  const create = admin();
  try {
    await create.unsafe(`create database "${name}"`);
  } catch (error) {
    throw new Error(
      `could not create a throwaway database on ${redact(serverUrl)} (${message(error)}); the benchmark needs a role that may CREATE DATABASE`,
    );
  } finally {
    await create.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    const sql = admin();
    try {
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  let handle: DbHandle | undefined;
  try {
    handle = await createDb({ databaseUrl: url.toString(), maxConnections: 1 });
    await handle.migrate();
    await handle.close();
    handle = undefined;
    const sql = admin();
    const [row] = await sql<{ version: string; sc: string; fsync: string }[]>`
      select current_setting('server_version') as version,
             current_setting('synchronous_commit') as sc,
             current_setting('fsync') as fsync`;
    await sql.end({ timeout: 5 });
    return {
      url: url.toString(),
      settings: {
        version: row?.version ?? "unknown",
        synchronousCommit: row?.sc ?? "unknown",
        fsync: row?.fsync ?? "unknown",
      },
      async transactions() {
        // A backend adds its counts to the shared statistics when it exits (and otherwise only
        // now and then): read them once every client of the database has gone.
        const stats = admin();
        try {
          const deadline = Date.now() + DISCONNECT_TIMEOUT_MS;
          for (;;) {
            const [clients] = await stats<{ n: number }[]>`
              select count(*)::int as n from pg_stat_activity where datname = ${name}`;
            if ((clients?.n ?? 0) === 0) break;
            if (Date.now() > deadline) return undefined;
            await sleep(20);
          }
          const [row] = await stats<{ n: string }[]>`
            select (xact_commit + xact_rollback)::text as n
            from pg_stat_database where datname = ${name}`;
          return row ? Number(row.n) : undefined;
        } finally {
          await stats.end({ timeout: 5 });
        }
      },
      drop,
    };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await drop().catch(() => undefined);
    throw error;
  }
}

/** A random prefix for every Redis key of one run. */
export function randomKeyPrefix(): string {
  return `genflow-bench-${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key under `prefix` (this run's keys only); returns how many it deleted. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
  return deleted;
}
