import type { TaskItem, TaskListInput, TaskUpdate } from "./types";

/** A page of `tasks.list`. */
export interface TasksPage {
  items: TaskItem[];
  nextCursor: string | null;
}

/** What react-query keeps for an infinite `tasks.list`. */
export interface TaskPages {
  pages: TasksPage[];
  pageParams: unknown[];
}

export function isTaskPages(data: unknown): data is TaskPages {
  return typeof data === "object" && data !== null && "pages" in data && Array.isArray(data.pages);
}

/**
 * The cached pages with `task` in place of its older self. A cached copy that is already newer
 * (a later event arrived first, or the list was fetched after it) is kept. Returns the same
 * object when nothing changed, so react-query does not re-render for nothing.
 */
export function patchTaskPages(data: TaskPages, task: TaskItem): TaskPages {
  let changed = false;
  const pages = data.pages.map((page) => {
    const index = page.items.findIndex((item) => item.id === task.id);
    const cached = index === -1 ? undefined : page.items[index];
    if (!cached || cached.lastSeq > task.lastSeq || cached === task) return page;
    changed = true;
    const items = page.items.slice();
    items[index] = task;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

/** The cached pages without the task (it was deleted). */
export function removeTaskFromPages(data: TaskPages, id: string): TaskPages {
  if (!data.pages.some((page) => page.items.some((item) => item.id === id))) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.filter((item) => item.id !== id),
    })),
  };
}

/** Events that leave a task's status as it was, so never bring it into a filtered list. */
const IN_PLACE = new Set(["progress", "log", "cancel-requested"]);

/**
 * Whether a list must be fetched again to show an update it does not hold: a new task, or one
 * whose status now matches the list's status filter. Tasks older than the oldest one loaded are
 * simply further down (loaded with the next page), so they never cause a refetch; neither do
 * progress reports, which cannot bring a task into a list.
 */
export function listNeedsRefetch(
  data: TaskPages,
  filter: Pick<TaskListInput, "status" | "kind" | "search">,
  update: Pick<TaskUpdate, "type" | "task">,
): boolean {
  const { task } = update;
  if (!task || IN_PLACE.has(update.type)) return false;
  if (data.pages.some((page) => page.items.some((item) => item.id === task.id))) return false;
  if (filter.kind !== undefined && filter.kind !== task.kind) return false;
  if (filter.status && filter.status.length > 0 && !filter.status.includes(task.status)) {
    return false;
  }
  const last = data.pages.at(-1);
  const oldest = last?.items.at(-1);
  const more = last?.nextCursor !== null && last?.nextCursor !== undefined;
  return !more || !oldest || task.createdAt.getTime() >= oldest.createdAt.getTime();
}
