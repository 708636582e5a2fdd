import { executePrepared, type BuiltQuery } from "@genflow/db";
import { sql } from "drizzle-orm";

import type { CoreDeps } from "../../context";
import type { Task } from "../schemas";
import { groupCommit, perWriter } from "../group-commit";
import {
  claimPicked,
  EVENT_ID_BLOCK,
  publishAll,
  STILL_QUEUED,
  type Appended,
  type PickedTask,
} from "../store";

/**
 * How many owners with queued tasks of a kind one pick looks at, in turn after the owner the
 * previous pick ended with. With at most this many owners queued at once every pick sees them
 * all; with more, a pick costs the same and the owners take turns in windows of this many.
 */
const OWNERS_PER_PICK = 32;

/**
 * How many of one owner's next queued tasks are candidates beyond the tasks asked for. Concurrent
 * picks skip the tasks others are claiming, so this bounds how many of one owner's tasks other
 * claims can be taking at the moment a pick still finds enough of them.
 */
const CANDIDATE_SLACK = 16;

/**
 * Claims the next task to start among the given kinds for `workerId`, fairly, in one statement:
 * queued → running, one more attempt, a fresh heartbeat, and its `started` event. Claims asked for
 * at the same time (a worker's free slots) share one statement, which takes as many tasks.
 *
 * Fairness: each owner's queued tasks (highest priority, then oldest) are ranked 1, 2, 3…, and the
 * tasks whose owner's running tasks plus rank is smallest go first; then the higher priority; then
 * the owners take turns — round robin in the order of their ids, starting after the owner this
 * process's previous pick of these kinds ended with; then age. So the owner with the fewest running
 * tasks gets the next slot, and one user's thousand queued tasks take turns with another user's
 * one instead of running first, also when a kind runs one task at a time. Tasks backing off until
 * later are not candidates. Tasks that other workers are claiming at this moment are skipped
 * (`SKIP LOCKED`), so concurrent claims take the next tasks in that order instead of queueing for
 * one.
 *
 * A pick reads the same few rows however long the queue is and however many owners have queued
 * tasks: the owners are found by walking an index one owner at a time from the turn's start, at
 * most `OWNERS_PER_PICK` of them (wrapping around to the first), only each one's first candidates
 * are ranked, and the ranked ids are then tried in order by primary key, each locked only when
 * reached: joining the candidates to `tasks` directly let the planner hash the whole table for
 * every pick (20,000 queued tasks halved the claims per second).
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

const taskClaims = perWriter((deps: Pick<CoreDeps, "db" | "pubsub" | "log">) => {
  // Where the owners' next turn starts: after the owner this writer's last pick ended with.
  let after = "";
  return groupCommit(async (requests: ClaimRequest[]): Promise<(Appended | null)[]> => {
    const [{ kinds, workerId }] = requests as [ClaimRequest, ...ClaimRequest[]];
    const at = new Date(Math.max(...requests.map((request) => request.at.getTime())));
    const claimed = await claimPicked(
      deps.db,
      pickStatement(kinds, at, requests.length, after),
      workerId,
      at,
    );
    let last: PickedTask | undefined;
    for (const item of claimed) if (!last || item.turn > last.turn) last = item;
    if (last) after = last.userId;
    await publishAll(deps, claimed);
    return requests.map((_, index) => claimed[index] ?? null);
  }, EVENT_ID_BLOCK);
});

/**
 * The CTEs that pick and lock the next `count` tasks of `kinds` at `at`, ending in `picked` (the
 * task ids, and each one's owner's turn), the owners' turns starting after the owner `after`.
 */
export function pickStatement(
  kinds: readonly string[],
  at: Date,
  count = 1,
  after = "",
): BuiltQuery {
  return { sql: pickText(kinds.length), params: [...kinds, at.toISOString(), count, after] };
}

const pickTexts = new Map<number, string>();

/**
 * The CTEs that pick (and lock) the next tasks, for `kindCount` kinds in `$1…$n`, now in `$n+1`,
 * how many in `$n+2` and the owner whose turn was last in `$n+3`.
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
  const count = `(select $${kindCount + 2}::integer)`;
  const after = `(select $${kindCount + 3}::text)`;
  const nextOwner = (kind: string, than: string) =>
    `(select q.user_id from tasks q
        where q.status = 'queued' and q.kind <> '' and q.kind = ${kind}${than ? ` and q.user_id > ${than}` : ""}
        order by q.user_id limit 1)`;
  // The walk starts at the owner after `after`, and past the last owner wraps around to the
  // first (`wrapped`), ending before the owners it has already been to.
  text = `kinds(kind) as (select unnest(${kinds})),
    owners(kind, user_id, turn, wrapped) as (
      select k.kind, ${after}, 0, false from kinds k
      union all
      select o.kind,
        coalesce(n.user_id, case when not o.wrapped then ${nextOwner("o.kind", "")} end),
        o.turn + 1, o.wrapped or n.user_id is null
      from owners o
      cross join lateral (select ${nextOwner("o.kind", "o.user_id")} as user_id) n
      where o.user_id is not null and o.turn < ${OWNERS_PER_PICK}
        and (not o.wrapped or o.user_id < ${after})
    ),
    walked as (
      select user_id, min(turn) as turn from owners
      where turn > 0 and user_id is not null and (not wrapped or user_id <= ${after})
      group by user_id
    ),
    candidates as (
      select c.id, c.user_id, c.priority, c.created_at, w.turn,
        row_number() over (partition by c.user_id order by c.priority desc, c.created_at, c.id) as rank
      from walked w
      cross join lateral (
        select q.id, q.user_id, q.priority, q.created_at from tasks q
        where q.status = 'queued' and q.user_id = w.user_id and q.kind = any(${kinds})
          and q.run_after <= ${now}
        order by q.priority desc, q.created_at, q.id
        limit ${count} + ${CANDIDATE_SLACK}
      ) c
    ),
    busy as (
      select user_id, count(*) as running from tasks where status = 'running' group by user_id
    ),
    ordered(ids, turns) as (
      select
        array_agg(c.id order by coalesce(b.running, 0) + c.rank, c.priority desc, c.turn, c.created_at, c.id),
        array_agg(c.turn order by coalesce(b.running, 0) + c.rank, c.priority desc, c.turn, c.created_at, c.id)
      from candidates c left join busy b on b.user_id = c.user_id
    ),
    picked as (
      select t.id, o.turn from unnest((select ids from ordered), (select turns from ordered))
        with ordinality as o(id, turn, position)
      join tasks t on t.id = o.id
      where t.status = ${STILL_QUEUED} and t.run_after <= ${now}
      order by o.position
      limit ${count}
      for update of t skip locked
    )`;
  pickTexts.set(kindCount, text);
  return text;
}

function kindArray(kinds: readonly string[]) {
  return sql`array[${sql.join(
    kinds.map((kind) => sql`${kind}`),
    sql`, `,
  )}]::text[]`;
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
