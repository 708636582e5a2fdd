import { schema } from "@genflow/db";
import { and, eq, gte, isNotNull, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import type { TasksDeps } from "./ports";
import type { TaskStats } from "./schemas";

/** Successful runs the median duration is taken from. */
const DURATION_SAMPLE = 100;

/** The median run time (ms) of the kind's latest successful runs, or null without any. */
export async function medianDurationMs(
  deps: Pick<CoreDeps, "db">,
  kind: string,
): Promise<number | null> {
  const t = schema.tasks;
  const latest = deps.db
    .select({
      ms: sql<number>`extract(epoch from (${t.finishedAt} - ${t.startedAt})) * 1000`.as("ms"),
    })
    .from(t)
    .where(and(eq(t.kind, kind), eq(t.status, "succeeded"), isNotNull(t.startedAt)))
    .orderBy(sql`${t.finishedAt} desc`)
    .limit(DURATION_SAMPLE)
    .as("latest");
  const [row] = await deps.db
    .select({
      median: sql<number | null>`percentile_cont(0.5) within group (order by ${latest.ms})`,
    })
    .from(latest);
  return row?.median === null || row?.median === undefined ? null : Number(row.median);
}

/** Per kind: queue depth, running, outcomes in the last hour and the median duration (admins). */
export async function taskStats(
  deps: Pick<TasksDeps, "db" | "clock" | "tasks">,
): Promise<TaskStats> {
  const t = schema.tasks;
  const hourAgo = new Date(deps.clock.now().getTime() - 3_600_000);
  // Raw fragments take the time as text: postgres.js does not serialise a Date there.
  const since = sql`${hourAgo.toISOString()}::timestamptz`;
  const counts = await deps.db
    .select({
      kind: t.kind,
      queued: sql<number>`count(*) filter (where ${t.status} = 'queued')::int`,
      running: sql<number>`count(*) filter (where ${t.status} = 'running')::int`,
      failedLastHour: sql<number>`count(*) filter (where ${t.status} = 'failed' and ${t.finishedAt} >= ${since})::int`,
      succeededLastHour: sql<number>`count(*) filter (where ${t.status} = 'succeeded' and ${t.finishedAt} >= ${since})::int`,
    })
    .from(t)
    .where(sql`${t.status} in ('queued', 'running') or ${gte(t.finishedAt, hourAgo)}`)
    .groupBy(t.kind);
  const byKind = new Map(counts.map((row) => [row.kind, row]));
  const kinds = [...new Set([...deps.tasks.kinds.keys(), ...byKind.keys()])].sort();
  return {
    kinds: await Promise.all(
      kinds.map(async (kind) => {
        const row = byKind.get(kind);
        return {
          kind,
          queued: row?.queued ?? 0,
          running: row?.running ?? 0,
          failedLastHour: row?.failedLastHour ?? 0,
          succeededLastHour: row?.succeededLastHour ?? 0,
          p50DurationMs: await medianDurationMs(deps, kind),
        };
      }),
    ),
  };
}
