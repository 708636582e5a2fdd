import { schema } from "@genflow/db";
import { and, eq, ilike, inArray, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { afterCursor, decodeCursor, encodeCursor, newestFirst } from "../pagination";
import { parseInput } from "../validation";
import { ListTasksInput, type TasksPage } from "./schemas";
import { toTask } from "./store";

/** `%`, `_` and `\` stand for themselves in a search. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The user's tasks, newest first, a page at a time; optionally only some statuses, one kind, or
 * those whose input contains a text.
 */
export async function listTasks(
  deps: Pick<CoreDeps, "db">,
  params: ListTasksInput & { userId: string },
): Promise<TasksPage> {
  const { userId, ...rest } = params;
  const { cursor, limit, status, kind, search } = parseInput(
    ListTasksInput,
    rest,
    "The tasks request is not valid",
  );
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const t = schema.tasks;
  const rows = await deps.db
    .select()
    .from(t)
    .where(
      and(
        eq(t.userId, userId),
        status && status.length > 0 ? inArray(t.status, status) : undefined,
        kind === undefined ? undefined : eq(t.kind, kind),
        search === undefined ? undefined : ilike(sql`${t.input}::text`, likePattern(search)),
        afterCursor(t, after),
      ),
    )
    .orderBy(...newestFirst(t))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toTask),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
