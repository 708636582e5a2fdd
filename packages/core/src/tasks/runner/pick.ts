import { sql } from "drizzle-orm";

import type { CoreDeps } from "../../context";

/**
 * The next task to start among the given kinds, fairly: each user's next task (highest priority,
 * then oldest) is a candidate, and the candidate whose owner has the fewest tasks running wins
 * (then priority, then age). One user's thousand queued tasks thus take turns with another user's
 * one instead of running first. Tasks backing off until later are not candidates.
 */
export async function pickNextTask(
  deps: Pick<CoreDeps, "db" | "clock">,
  kinds: readonly string[],
): Promise<string | undefined> {
  if (kinds.length === 0) return undefined;
  const now = deps.clock.now();
  const kindList = sql.join(
    kinds.map((kind) => sql`${kind}`),
    sql`, `,
  );
  const result = await deps.db.execute<{ id: string }>(sql`
    with heads as (
      select distinct on (user_id) id, user_id, priority, created_at
      from tasks
      where status = 'queued' and run_after <= ${now.toISOString()}::timestamptz and kind in (${kindList})
      order by user_id, priority desc, created_at, id
    ),
    busy as (
      select user_id, count(*) as running from tasks where status = 'running' group by user_id
    )
    select heads.id from heads left join busy using (user_id)
    order by coalesce(busy.running, 0), heads.priority desc, heads.created_at, heads.id
    limit 1
  `);
  const rows = Array.isArray(result) ? result : (result as { rows: { id: string }[] }).rows;
  return (rows as { id: string }[])[0]?.id;
}

/** When the soonest task backing off becomes runnable, or undefined when none is waiting. */
export async function nextRunAfter(
  deps: Pick<CoreDeps, "db" | "clock">,
  kinds: readonly string[],
): Promise<Date | undefined> {
  if (kinds.length === 0) return undefined;
  const kindList = sql.join(
    kinds.map((kind) => sql`${kind}`),
    sql`, `,
  );
  const result = await deps.db.execute<{ at: Date | string | null }>(sql`
    select min(run_after) as at from tasks where status = 'queued' and kind in (${kindList})
  `);
  const rows = Array.isArray(result)
    ? result
    : (result as { rows: { at: Date | string | null }[] }).rows;
  const at = (rows as { at: Date | string | null }[])[0]?.at;
  return at === null || at === undefined ? undefined : new Date(at);
}
