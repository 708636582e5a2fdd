import { executePrepared, type BuiltQuery } from "@genflow/db";
import { sql } from "drizzle-orm";

import type { CoreDeps } from "../../context";
import type { Task } from "../schemas";
import { groupCommit, perWriter } from "../group-commit";
import { claimPicked, EVENT_ID_BLOCK, publishAll, STILL_QUEUED, type Appended } from "../store";

/**
 * How many of one owner's next queued tasks are candidates in one pick. Concurrent picks skip the
 * tasks others are claiming, so this bounds how many slots can start one owner's tasks at once.
 */
const CANDIDATES_PER_OWNER = 64;

function kindArray(kinds: readonly string[]) {
  return sql`array[${sql.join(
    kinds.map((kind) => sql`${kind}`),
    sql`, `,
  )}]::text[]`;
}

/**
 * Claims the next task to start among the given kinds for `workerId`, fairly, in one statement:
 * queued → running, one more attempt, a fresh heartbeat, and its `started` event. Claims asked for
 * at the same time (a worker's free slots) share one statement, which takes as many tasks.
 *
 * Fairness: each owner's queued tasks (highest priority, then oldest) are ranked 1, 2, 3…, and the
 * tasks whose owner's running tasks plus rank is smallest go first (then priority, then age). So
 * the owner with the fewest running tasks gets the next slot, and one user's thousand queued tasks
 * take turns with another user's one instead of running first. Tasks backing off until later are
 * not candidates. Tasks that other workers are claiming at this moment are skipped (`SKIP
 * LOCKED`), so concurrent claims take the next tasks in that order instead of queueing for one.
 *
 * The owners are found with a walk over an index (one probe per owner, not a scan of every queued
 * task), and only each owner's first candidates are ranked, so a pick costs the same with ten
 * queued tasks or a hundred thousand. The ranked ids are then tried in order by primary key, each
 * locked only when reached: joining the candidates to `tasks` directly let the planner hash the
 * whole table for every pick (20,000 queued tasks halved the claims per second).
 */
export async function claimNextTask(
  deps: Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">,
  kinds: readonly string[],
  workerId: string,
): Promise<{ task: Task; userId: string } | null> {
  if (kinds.length === 0) return null;
  const claim = taskClaims(deps, `${workerId}\0${kinds.join("\0")}`);
  const appended = await claim({ kinds, workerId, at: deps.clock.now() });
  return appended ? { task: appended.task, userId: appended.userId } : null;
}

interface ClaimRequest {
  kinds: readonly string[];
  workerId: string;
  at: Date;
}

const taskClaims = perWriter((deps: Pick<CoreDeps, "db" | "pubsub" | "log">) =>
  groupCommit(async (requests: ClaimRequest[]): Promise<(Appended | null)[]> => {
    const [{ kinds, workerId }] = requests as [ClaimRequest, ...ClaimRequest[]];
    const at = new Date(Math.max(...requests.map((request) => request.at.getTime())));
    const claimed = await claimPicked(
      deps.db,
      pickStatement(kinds, at, requests.length),
      workerId,
      at,
    );
    await publishAll(deps, claimed);
    return requests.map((_, index) => claimed[index] ?? null);
  }, EVENT_ID_BLOCK),
);

/** The CTEs that pick and lock the next `count` tasks of `kinds` at `at`, ending in `picked`. */
export function pickStatement(kinds: readonly string[], at: Date, count = 1): BuiltQuery {
  return { sql: pickText(kinds.length), params: [...kinds, at.toISOString(), count] };
}

const pickTexts = new Map<number, string>();

/**
 * The CTEs that pick (and lock) the next tasks, for `kindCount` kinds in `$1…$n`, now in `$n+1`
 * and how many in `$n+2`.
 */
function pickText(kindCount: number): string {
  let text = pickTexts.get(kindCount);
  if (text !== undefined) return text;
  // The parameters are read through sub-selects, which the planner does not look into: its
  // estimates are then the same for every call, so Postgres keeps one generic plan for the
  // prepared statement instead of planning it anew for each call's values (in a Postgres-only
  // loop of create, claim and finish, a quarter more tasks per second).
  const kinds = `(select array[${Array.from({ length: kindCount }, (_, i) => `$${i + 1}::text`).join(", ")}])::text[]`;
  const now = `(select $${kindCount + 1}::timestamptz)`;
  text = `kinds(kind) as (select unnest(${kinds})),
    owners(kind, user_id) as (
      select k.kind, (select q.user_id from tasks q
        where q.status = 'queued' and q.kind <> '' and q.kind = k.kind
        order by q.user_id limit 1)
      from kinds k
      union all
      select o.kind, (select q.user_id from tasks q
        where q.status = 'queued' and q.kind <> '' and q.kind = o.kind and q.user_id > o.user_id
        order by q.user_id limit 1)
      from owners o where o.user_id is not null
    ),
    candidates as (
      select c.id, c.user_id, c.priority, c.created_at,
        row_number() over (partition by c.user_id order by c.priority desc, c.created_at, c.id) as rank
      from (select distinct user_id from owners where user_id is not null) o
      cross join lateral (
        select q.id, q.user_id, q.priority, q.created_at from tasks q
        where q.status = 'queued' and q.user_id = o.user_id and q.kind = any(${kinds})
          and q.run_after <= ${now}
        order by q.priority desc, q.created_at, q.id
        limit ${CANDIDATES_PER_OWNER}
      ) c
    ),
    busy as (
      select user_id, count(*) as running from tasks where status = 'running' group by user_id
    ),
    ordered(ids) as (
      select array_agg(c.id order by coalesce(b.running, 0) + c.rank, c.priority desc, c.created_at, c.id)
      from candidates c left join busy b on b.user_id = c.user_id
    ),
    picked as (
      select t.id from unnest((select ids from ordered)) with ordinality as o(id, position)
      join tasks t on t.id = o.id
      where t.status = ${STILL_QUEUED} and t.run_after <= ${now}
      order by o.position
      limit (select $${kindCount + 2}::integer)
      for update of t skip locked
    )`;
  pickTexts.set(kindCount, text);
  return text;
}

/** When the soonest queued task of these kinds may run (now or later), or undefined when none is queued. */
export async function nextRunAfter(
  deps: Pick<CoreDeps, "db" | "clock">,
  kinds: readonly string[],
): Promise<Date | undefined> {
  if (kinds.length === 0) return undefined;
  const [row] = await executePrepared<{ at: Date | string | null }>(
    deps.db,
    "tasks.next-run-after",
    sql`select min(run_after) as at from tasks
      where status = 'queued' and kind <> '' and kind = any(${kindArray(kinds)})`,
  );
  const at = row?.at;
  return at === null || at === undefined ? undefined : new Date(at);
}
