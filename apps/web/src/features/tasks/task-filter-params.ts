import type { TaskFilter } from "./task-filters";
import { TASK_STATUSES } from "./types";
import type { TaskListInput, TaskStatus } from "./types";

/** Longest search the API takes. */
export const MAX_SEARCH = 200;

const isStatus = (value: string): value is TaskStatus =>
  (TASK_STATUSES as readonly string[]).includes(value);
const KIND = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** The filter a link asks for: `?status=running,queued&kind=cards.batch&q=fox`. */
export function filterFromParams(params: URLSearchParams): TaskFilter {
  const statuses = (params.get("status") ?? "").split(",").filter(isStatus);
  const kind = params.get("kind");
  return {
    statuses: TASK_STATUSES.filter((status) => statuses.includes(status)),
    kind: kind && KIND.test(kind) && kind.length <= 64 ? kind : null,
    search: (params.get("q") ?? "").slice(0, MAX_SEARCH),
  };
}

/** The filter as link parameters (empty ones left out). */
export function paramsFromFilter(filter: TaskFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.statuses.length > 0) params.set("status", filter.statuses.join(","));
  if (filter.kind) params.set("kind", filter.kind);
  if (filter.search.trim()) params.set("q", filter.search.trim());
  return params;
}

/** The `tasks.list` request for a filter. */
export function listInputOf(filter: TaskFilter, limit: number): TaskListInput {
  const search = filter.search.trim().slice(0, MAX_SEARCH);
  return {
    limit,
    ...(filter.statuses.length > 0 ? { status: filter.statuses } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(search ? { search } : {}),
  };
}

export const isFiltered = (filter: TaskFilter) =>
  filter.statuses.length > 0 || filter.kind !== null || filter.search.trim() !== "";
