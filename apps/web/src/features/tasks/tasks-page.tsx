import { keepPreviousData } from "@tanstack/react-query";
import { Boxes, ImageIcon, ListChecks, SearchX } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { PageHeader } from "../../components/page-header";
import { Button, buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { trpc } from "../../lib/trpc";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { useNow } from "../../lib/use-now";
import { ConnectionBadge } from "../live-events/connection-indicator";
import { useSession } from "../session/use-session";
import { DeleteTaskDialog } from "./delete-task-dialog";
import { describeTask } from "./describe-task";
import { NO_FILTER, TaskFilters } from "./task-filters";
import type { TaskFilter } from "./task-filters";
import { filterFromParams, isFiltered, listInputOf, paramsFromFilter } from "./task-filter-params";
import { TaskRow } from "./task-row";
import { TaskStatsPanel } from "./task-stats-panel";
import type { TaskItem } from "./types";
import { useTaskUpdates } from "./use-task-updates";

export const TASKS_PAGE_SIZE = 20;

function ListSkeleton() {
  return (
    <ul className="divide-y divide-line" aria-busy data-testid="tasks-loading">
      {Array.from({ length: 3 }, (_, index) => (
        <li key={index} className="flex gap-3 px-5 py-4">
          <Skeleton className="size-9 rounded-lg" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-4 w-1/3" />
            <Skeleton className="h-3 w-2/3" />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Where nothing has run yet: the two ways to start something. */
function NoTasks() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={ListChecks}
      title={t("tasks.empty.title")}
      hint={t("tasks.empty.hint")}
      action={
        <div className="flex flex-col gap-2 sm:flex-row">
          <Link
            to="/studio?batch=1"
            className={buttonClass({ variant: "primary" })}
            data-testid="empty-new-batch"
          >
            <Boxes className="size-4" aria-hidden />
            {t("tasks.empty.batch")}
          </Link>
          <Link to="/studio/image" className={buttonClass()} data-testid="empty-new-image">
            <ImageIcon className="size-4" aria-hidden />
            {t("tasks.empty.image")}
          </Link>
        </div>
      }
    />
  );
}

/**
 * The caller's durable runs at /tasks: a live list (first page from `tasks.list`, then kept up to
 * date by `tasks.onUpdate`), filters kept in the link, and, for administrators, queue stats.
 */
export function TasksPage() {
  const { t } = useTranslation();
  const now = useNow(10_000);
  const session = useSession();
  const user = session.data?.user;
  const [deleting, setDeleting] = useState<TaskItem | null>(null);
  const live = useTaskUpdates();

  // The link holds the filter (so it can be shared and linked to); the search box writes to it
  // once typing pauses.
  const [params, setParams] = useSearchParams();
  const paramsText = params.toString();
  const linked = useMemo(() => filterFromParams(new URLSearchParams(paramsText)), [paramsText]);
  const [searchText, setSearchText] = useState(linked.search);
  const [linkedSearch, setLinkedSearch] = useState(linked.search);
  if (linked.search !== linkedSearch) {
    // The link changed from outside (navigation): the box follows it.
    setLinkedSearch(linked.search);
    if (searchText.trim() !== linked.search) setSearchText(linked.search);
  }
  const typedSearch = useDebouncedValue(searchText, 300);
  const written = useRef(typedSearch);
  useEffect(() => {
    if (written.current === typedSearch) return;
    written.current = typedSearch;
    const next = paramsFromFilter({ ...linked, search: typedSearch });
    if (next.toString() !== paramsText) setParams(next, { replace: true });
  }, [typedSearch, linked, paramsText, setParams]);

  const filter: TaskFilter = { ...linked, search: searchText };
  const changeFilter = (next: TaskFilter) => {
    setSearchText(next.search);
    if (next.statuses !== linked.statuses || next.kind !== linked.kind) {
      // Clearing every filter clears the search at once; typing reaches the link when it pauses.
      const search = next.search.trim() === "" ? "" : linked.search;
      setParams(paramsFromFilter({ ...next, search }), { replace: true });
    }
  };
  const input = useMemo(() => listInputOf(linked, TASKS_PAGE_SIZE), [linked]);

  const tasks = trpc.tasks.list.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

  let body;
  if (tasks.isPending) body = <ListSkeleton />;
  else if (tasks.isError)
    body = (
      <EmptyState
        icon={ListChecks}
        title={t("tasks.loadFailed")}
        action={<Button onClick={() => void tasks.refetch()}>{t("common.retry")}</Button>}
      />
    );
  else {
    const items = tasks.data.pages.flatMap((page) => page.items);
    if (items.length === 0 && !isFiltered(linked)) body = <NoTasks />;
    else if (items.length === 0)
      body = (
        <EmptyState
          icon={SearchX}
          title={t("tasks.empty.filteredTitle")}
          hint={t("tasks.empty.filteredHint")}
          action={
            <Button onClick={() => changeFilter(NO_FILTER)}>{t("tasks.filters.clear")}</Button>
          }
        />
      );
    else
      body = (
        <>
          <ul
            className="divide-y divide-line"
            data-testid="task-list"
            aria-busy={tasks.isPlaceholderData || undefined}
          >
            {items.map((task) => (
              <TaskRow
                key={task.id}
                task={task}
                now={now}
                userId={user?.id}
                onDelete={() => setDeleting(task)}
              />
            ))}
          </ul>
          <div className="flex justify-center border-t border-line px-5 py-4">
            {tasks.hasNextPage ? (
              <Button
                onClick={() => void tasks.fetchNextPage()}
                loading={tasks.isFetchingNextPage}
                data-testid="tasks-load-more"
              >
                {tasks.isFetchingNextPage ? t("tasks.loadingMore") : t("tasks.loadMore")}
              </Button>
            ) : (
              <p className="text-[13px] text-fg-subtle" data-testid="tasks-end">
                {t("tasks.end")}
              </p>
            )}
          </div>
        </>
      );
  }

  return (
    <>
      <PageHeader
        title={t("tasks.title")}
        description={t("tasks.subtitle")}
        actions={
          <ConnectionBadge
            status={live.status}
            stopped={live.stopped}
            onReconnect={live.reconnect}
            label={t("tasks.liveLabel")}
            texts={{ online: t("tasks.liveOnline") }}
            testId="tasks-connection"
          />
        }
      />
      <div className="space-y-6">
        {user?.role === "admin" ? <TaskStatsPanel /> : null}
        <Card>
          <div className="border-b border-line px-4 py-4 sm:px-5">
            <TaskFilters value={filter} onChange={changeFilter} />
          </div>
          {body}
        </Card>
      </div>
      <DeleteTaskDialog
        task={deleting}
        name={deleting ? describeTask(t, deleting).title : ""}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
