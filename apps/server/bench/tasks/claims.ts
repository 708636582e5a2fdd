// `pnpm bench:tasks:claims`: what one claim of the fair pick costs with a long queue or many
// owners with queued tasks, when the planner's statistics were taken before the queue grew (a
// table with a history, analyzed while few tasks were queued, then a burst of new ones:
// autovacuum analyzes a large table again only after a tenth of it has changed) and once they are
// fresh. On embedded PGlite, and on Postgres when DATABASE_URL (or the local default) answers.
// See docs/benchmarks.md.
//
//   --queued <list>   comma-separated queue lengths (default 1000,10000,100000)
//   --owners <list>   comma-separated numbers of owners the tasks are spread over, each measured
//                     in a database of its own (default 4)
//   --history <n>     finished tasks in the table before the burst (default 100000)
//   --claims <n>      claims timed per measure, one at a time (default 300)
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import { systemClock } from "@genflow/core/ports";
import { claimNextTask } from "@genflow/core/tasks";
import { MemoryPubSub } from "@genflow/core/adapters/memory";
import { createDb, schema, type DbHandle } from "@genflow/db";
import { sql } from "drizzle-orm";

import { stderrLogger } from "./genflow-host";
import { createBenchDatabase, redact, resolveDatabaseUrl } from "./services";

const KIND = "bench.claim";
const WARMUP_CLAIMS = 20;

/** Warnings and errors of the claims, if any, on stderr. */
const log = stderrLogger({ bench: "claims" });

interface Row {
  database: string;
  owners: number;
  queued: number;
  staleMs: number;
  freshMs: number;
}

async function insertTasks(handle: DbHandle, owners: string[], count: number, status: string) {
  await handle.db.execute(sql`
    insert into tasks (id, user_id, kind, status, max_attempts, input, last_seq, finished_at)
    select gen_random_uuid()::text, o.id, ${KIND}, ${status}, 1, '{}'::jsonb, 1,
      case when ${status} = 'queued' then null else now() end
    from unnest(${sql`array[${sql.join(
      owners.map((id) => sql`${id}`),
      sql`, `,
    )}]::text[]`}) as o(id)
    cross join generate_series(1, ${Math.ceil(count / owners.length)})`);
}

/**
 * Mean milliseconds per claim over `claims` claims made one after another. Each claimed task is
 * marked finished before the next claim (untimed), so that the running tasks stay as few as a
 * worker's.
 */
async function timeClaims(handle: DbHandle, claims: number): Promise<number> {
  const deps = { db: handle.db, pubsub: new MemoryPubSub(), log, clock: systemClock };
  const claimOne = async () => {
    const started = performance.now();
    const claimed = await claimNextTask(deps, [KIND], "bench");
    const ms = performance.now() - started;
    if (!claimed) throw new Error("the queue ran dry");
    await handle.db.execute(
      sql`update tasks set status = 'succeeded', finished_at = now() where id = ${claimed.task.id}`,
    );
    return ms;
  };
  for (let i = 0; i < WARMUP_CLAIMS; i++) await claimOne();
  let total = 0;
  for (let i = 0; i < claims; i++) total += await claimOne();
  return total / claims;
}

async function measure(
  name: string,
  handle: DbHandle,
  options: { queued: number[]; history: number; claims: number },
  ownerCount: number,
): Promise<Row[]> {
  const owners = Array.from({ length: ownerCount }, () => randomUUID());
  await handle.db
    .insert(schema.user)
    .values(owners.map((id) => ({ id, name: "Bench", email: `${id}@bench.invalid` })));
  await insertTasks(handle, owners, options.history, "succeeded");
  const rows: Row[] = [];
  for (const queued of options.queued) {
    // Statistics taken while the queue was short…
    await handle.db.execute(sql`delete from tasks where status <> 'succeeded'`);
    await insertTasks(handle, owners, ownerCount, "queued");
    await handle.db.execute(sql`vacuum analyze tasks`);
    // …then the burst.
    await insertTasks(handle, owners, queued, "queued");
    const staleMs = await timeClaims(handle, options.claims);
    await handle.db.execute(sql`analyze tasks`);
    const freshMs = await timeClaims(handle, options.claims);
    rows.push({ database: name, owners: ownerCount, queued, staleMs, freshMs });
    process.stderr.write(
      `${name}, ${ownerCount.toLocaleString("en-US")} owners, ${queued.toLocaleString("en-US")} queued: ${staleMs.toFixed(2)} ms per claim (statistics from before), ${freshMs.toFixed(2)} ms (fresh)\n`,
    );
  }
  return rows;
}

async function main() {
  const { values } = parseArgs({
    options: {
      queued: { type: "string", default: "1000,10000,100000" },
      history: { type: "string", default: "100000" },
      claims: { type: "string", default: "300" },
      owners: { type: "string", default: "4" },
    },
  });
  const list = (value: string) => value.split(",").map((n) => Number(n.trim()));
  const options = {
    queued: list(values.queued),
    history: Number(values.history),
    claims: Number(values.claims),
  };
  const ownerCounts = list(values.owners);
  if (
    [...options.queued, ...ownerCounts, options.history, options.claims].some(
      (n) => !Number.isInteger(n) || n < 0,
    ) ||
    ownerCounts.some((n) => n === 0)
  )
    throw new Error("--queued, --owners, --history and --claims take whole numbers");
  const room = options.claims + WARMUP_CLAIMS * 2 + Math.max(...ownerCounts);
  if (options.queued.some((n) => n < room))
    throw new Error(`every --queued must leave room for the claims (at least ${room})`);

  const rows: Row[] = [];
  for (const owners of ownerCounts) {
    const pglite = await createDb({ pgliteDir: "memory://" });
    try {
      await pglite.migrate();
      rows.push(...(await measure("PGlite", pglite, options, owners)));
    } finally {
      await pglite.close();
    }
  }

  const server = await resolveDatabaseUrl(process.env.DATABASE_URL).catch((error: unknown) => {
    process.stderr.write(
      `Postgres skipped: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  });
  if (server) {
    for (const owners of ownerCounts) {
      const bench = await createBenchDatabase(server.url);
      const handle = await createDb({ databaseUrl: bench.url, maxConnections: 2 });
      try {
        rows.push(
          ...(await measure(`Postgres ${bench.settings.version}`, handle, options, owners)),
        );
      } finally {
        await handle.close();
        await bench.drop();
      }
    }
    process.stderr.write(`(throwaway databases on ${redact(server.url)} dropped)\n`);
  }

  console.log(
    `\n${options.history.toLocaleString("en-US")} finished tasks; ${options.claims} claims timed one at a time after ${WARMUP_CLAIMS} untimed\n`,
  );
  console.log(
    "| Database | Owners | Queued | ms per claim, statistics from before the burst | ms per claim, fresh statistics |",
  );
  console.log(
    "| -------- | -----: | -----: | ---------------------------------------------: | -----------------------------: |",
  );
  for (const row of rows) {
    console.log(
      `| ${row.database} | ${row.owners.toLocaleString("en-US")} | ${row.queued.toLocaleString("en-US")} | ${row.staleMs.toFixed(2)} | ${row.freshMs.toFixed(2)} |`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
