import { schema } from "@genflow/db";
import { and, asc, inArray, isNotNull, lt, sql } from "drizzle-orm";

import type { TasksDeps } from "./ports";
import { toTask } from "./store";
import { removeTaskFiles } from "./delete-task";

export interface PruneTasksOptions {
  /** Finished tasks older than this are removed. */
  retentionDays: number;
  /** When the files of finished tasks take more than this, the oldest go first; undefined: no cap. */
  storageMaxBytes?: number | undefined;
  /** Rows removed per statement. Default 200. */
  batchSize?: number;
}

const FINISHED = ["succeeded", "failed", "canceled", "interrupted"] as const;

/** Bytes of the files listed in finished tasks' outputs. */
async function storedBytes(deps: Pick<TasksDeps, "db">): Promise<number> {
  const t = schema.tasks;
  const [row] = await deps.db
    .select({
      total: sql<string | null>`sum(coalesce((
        select sum((f->>'bytes')::bigint) from jsonb_array_elements(
          case when jsonb_typeof(${t.output}->'files') = 'array' then ${t.output}->'files' else '[]'::jsonb end
        ) f where jsonb_typeof(f->'bytes') = 'number'
      ), 0))`,
    })
    .from(t)
    .where(inArray(t.status, [...FINISHED]));
  return Number(row?.total ?? 0);
}

/**
 * Retention: removes finished tasks (rows, logs and files) older than `retentionDays`, then, while
 * their files take more than `storageMaxBytes`, the oldest finished tasks. Queued and running
 * tasks are never touched.
 */
export async function pruneTasks(
  deps: Pick<TasksDeps, "db" | "clock" | "log" | "tasks">,
  options: PruneTasksOptions,
): Promise<{ removed: number }> {
  const batchSize = options.batchSize ?? 200;
  const t = schema.tasks;
  const cutoff = new Date(deps.clock.now().getTime() - options.retentionDays * 86_400_000);
  let removed = 0;

  const removeOldest = async (olderThan: Date | undefined, limit: number) => {
    const victims = await deps.db
      .select({ id: t.id })
      .from(t)
      .where(
        and(
          inArray(t.status, [...FINISHED]),
          isNotNull(t.finishedAt),
          olderThan === undefined ? undefined : lt(t.finishedAt, olderThan),
        ),
      )
      .orderBy(asc(t.finishedAt))
      .limit(limit);
    if (victims.length === 0) return 0;
    const rows = await deps.db
      .delete(t)
      .where(
        and(
          inArray(
            t.id,
            victims.map((v) => v.id),
          ),
          inArray(t.status, [...FINISHED]),
        ),
      )
      .returning();
    for (const row of rows) await removeTaskFiles(deps, toTask(row));
    removed += rows.length;
    return rows.length;
  };

  while ((await removeOldest(cutoff, batchSize)) === batchSize);

  if (options.storageMaxBytes !== undefined) {
    while ((await storedBytes(deps)) > options.storageMaxBytes) {
      if ((await removeOldest(undefined, 1)) === 0) break;
    }
  }
  if (removed > 0) deps.log.info({ removed }, "removed finished tasks past retention");
  return { removed };
}
