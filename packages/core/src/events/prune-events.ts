import { schema } from "@genflow/db";
import { and, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { SQLWrapper } from "drizzle-orm";
import { z } from "zod";

import type { CoreDeps } from "../context";

export const EVENT_RETENTION_DEFAULTS = { maxAgeDays: 7, maxEventsPerUser: 1_000 } as const;

export const PruneUserEventsInput = z.object({
  /** Prune only this user's log; every user's when omitted. */
  userId: z.string().min(1).optional(),
  /** Events older than this are deleted. */
  maxAgeDays: z.number().positive().default(EVENT_RETENTION_DEFAULTS.maxAgeDays),
  /** Only the newest this many events of each user are kept. */
  maxEventsPerUser: z.number().int().min(1).default(EVENT_RETENTION_DEFAULTS.maxEventsPerUser),
  /** Rows deleted per statement, so a large prune never holds locks for long. */
  batchSize: z.number().int().min(1).max(50_000).default(5_000),
});
export type PruneUserEventsInput = z.input<typeof PruneUserEventsInput>;

export interface PruneUserEventsResult {
  /** Deleted because they were older than `maxAgeDays`. */
  expired: number;
  /** Deleted because the user had more than `maxEventsPerUser` newer events. */
  overflow: number;
}

const DAY_MS = 86_400_000;

/**
 * Retention for user event logs: deletes events older than `maxAgeDays` and all but each user's
 * newest `maxEventsPerUser`. Meant to run periodically from a host; safe to run from several
 * processes at once. A subscriber resuming from a pruned position simply continues with the oldest
 * event still kept.
 */
export async function pruneUserEvents(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: PruneUserEventsInput = {},
): Promise<PruneUserEventsResult> {
  const { userId, maxAgeDays, maxEventsPerUser, batchSize } = PruneUserEventsInput.parse(input);
  const t = schema.userEvents;
  const ofUser = userId === undefined ? undefined : eq(t.userId, userId);

  const cutoff = new Date(deps.clock.now().getTime() - maxAgeDays * DAY_MS);
  const expired = await deleteInBatches(deps, batchSize, () =>
    deps.db
      .select({ id: t.id })
      .from(t)
      .where(and(ofUser, lt(t.createdAt, cutoff)))
      .limit(batchSize),
  );

  const overflow = await deleteInBatches(deps, batchSize, () => {
    const ranked = deps.db
      .select({
        id: t.id,
        rank: sql<number>`row_number() over (partition by ${t.userId} order by ${t.id} desc)`.as(
          "rank",
        ),
      })
      .from(t)
      .where(ofUser)
      .as("ranked");
    return deps.db
      .select({ id: ranked.id })
      .from(ranked)
      .where(gt(ranked.rank, maxEventsPerUser))
      .limit(batchSize);
  });

  return { expired, overflow };
}

async function deleteInBatches(
  deps: Pick<CoreDeps, "db">,
  batchSize: number,
  /** A subquery selecting at most `batchSize` ids to delete. */
  victims: () => SQLWrapper,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deps.db
      .delete(schema.userEvents)
      .where(inArray(schema.userEvents.id, victims()))
      .returning({ id: schema.userEvents.id });
    total += deleted.length;
    if (deleted.length < batchSize) return total;
  }
}
