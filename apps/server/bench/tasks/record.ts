// The `record` contender: what every task leaves in Postgres and nothing else. A task is created,
// started and finished as GenFlow's tasks are (its `tasks` row written three times, each time with
// its `task_events` row, numbered under its owner's `task_streams` lock, through the same schema and
// indexes), by the fewest statements that can: no runner, no queue, no pub/sub, no fair pick, no
// validation, and each statement returns only the ids it changed. Created tasks go to `concurrency`
// slots in this process, which start each one, record it and finish it. Statements wanted at the
// same moment share one (group commit, as GenFlow's runner does). Its cost per task is a floor for
// any runner that keeps GenFlow's record of its tasks.
import { eventCtes, groupCommit } from "@genflow/core/tasks";
import postgres from "postgres";

import { NOOP_KIND } from "./protocol";

/** As GenFlow's runner: at most this many tasks per statement (one event id block per owner). */
const MAX_BATCH = 32;

/**
 * `changed` (an insert or update of `tasks` returning `id`, `user_id` and `last_seq`) with one
 * event per changed row, the owner's event ids taken under its `task_streams` row lock: GenFlow's
 * own append, returning only the ids changed.
 */
function appendStatement(changed: string, type: string): string {
  return `with changed as (${changed}), ${eventCtes(`'${type}'`, "'{}'::jsonb")}
    select task_id as id from event`;
}

const CREATE = appendStatement(
  `insert into tasks (id, user_id, kind, max_attempts, input, last_seq)
    select id, user_id, $3, 1, '{}'::jsonb, 1 from unnest($1::text[], $2::text[]) as t(id, user_id)
    returning id, user_id, last_seq`,
  "created",
);

const START = appendStatement(
  `update tasks set status = 'running', attempts = attempts + 1, started_at = now(),
      heartbeat_at = now(), worker_id = $2, last_seq = last_seq + 1
    where id = any($1::text[]) and status = 'queued'
    returning id, user_id, last_seq`,
  "started",
);

const FINISH = appendStatement(
  `update tasks set status = 'succeeded', output = '{}'::jsonb, progress = 100,
      finished_at = now(), last_seq = last_seq + 1
    where id = any($1::text[]) and status = 'running'
    returning id, user_id, last_seq`,
  "succeeded",
);

export interface RecordOptions {
  databaseUrl: string;
  userIds: string[];
  /** Creates in flight at once. */
  creators: number;
  /** Slots starting and finishing tasks at once. */
  concurrency: number;
}

export function recordProducer(options: RecordOptions) {
  const sql = postgres(options.databaseUrl, { max: 10, onnotice: () => undefined });
  const workerId = `bench-record-${process.pid}`;
  const invocations: string[] = [];

  /** Runs `statement` for a batch and says, per item, whether its row changed. */
  const changes = (
    statement: string,
    params: (items: string[]) => postgres.ParameterOrJSON<never>[],
  ) =>
    groupCommit(async (ids: string[]) => {
      const rows = await sql.unsafe<{ id: string }[]>(statement, params(ids), { prepare: true });
      const changed = new Set(rows.map((row) => row.id));
      return ids.map((id) => changed.has(id));
    }, MAX_BATCH);
  const owners = new Map<string, string>();
  const create = changes(CREATE, (ids) => [ids, ids.map((id) => owners.get(id) ?? ""), NOOP_KIND]);
  const start = changes(START, (ids) => [ids, workerId]);
  const finish = changes(FINISH, (ids) => [ids]);

  // Created tasks wait here, oldest first, for a free slot.
  const ready: string[] = [];
  const idle: (() => void)[] = [];
  let closed = false;
  const fail = (error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: "error", msg: String(error) })}\n`);
  };
  const slot = async () => {
    while (!closed) {
      const id = ready.shift();
      if (id === undefined) {
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      try {
        if (!(await start(id))) continue;
        invocations.push(id);
        await finish(id);
      } catch (error) {
        fail(error);
      }
    }
  };
  const slots = Array.from({ length: options.concurrency }, slot);

  return {
    async produce(count: number) {
      const startedAt = Date.now();
      const ids: string[] = [];
      let next = 0;
      const lane = async () => {
        while (next < count) {
          const id = crypto.randomUUID();
          owners.set(id, options.userIds[next % options.userIds.length] ?? "");
          next += 1;
          if (!(await create(id))) throw new Error(`task ${id} was not created`);
          owners.delete(id);
          ids.push(id);
          ready.push(id);
          idle.shift()?.();
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.creators, count) }, lane));
      return { ids, startedAt, endedAt: Date.now() };
    },
    invocations: () => [...invocations],
    async close() {
      closed = true;
      for (const wake of idle.splice(0)) wake();
      await Promise.all(slots);
      await sql.end();
    },
  };
}
