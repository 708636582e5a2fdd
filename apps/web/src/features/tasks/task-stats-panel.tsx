import { Activity } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Card, CardHeader } from "../../components/ui/card";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { formatDuration } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { kindLabel } from "./task-details";

/** For administrators: every kind's queue depth, running tasks, last hour's outcomes and p50. */
export function TaskStatsPanel() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  // Refreshed on every task's start and end (see useTaskCache), and now and then for other users'.
  const stats = trpc.tasks.stats.useQuery(undefined, {
    refetchInterval: 10_000,
    meta: { errorToast: false },
  });
  const number = new Intl.NumberFormat(language);

  return (
    <Card data-testid="task-stats">
      <CardHeader
        title={
          <span className="inline-flex items-center gap-2">
            <Activity className="size-4 text-accent" aria-hidden />
            {t("tasks.stats.title")}
          </span>
        }
        description={t("tasks.stats.subtitle")}
      />
      {stats.isPending ? (
        <div className="space-y-2 p-5">
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-2/3" />
        </div>
      ) : stats.isError ? (
        <p className="px-5 py-4 text-[13px] text-fg-muted">{t("tasks.stats.failed")}</p>
      ) : (
        <ul className="divide-y divide-line">
          {stats.data.kinds.map((row) => {
            const cells = [
              { label: t("tasks.stats.queued"), value: number.format(row.queued) },
              { label: t("tasks.stats.running"), value: number.format(row.running) },
              {
                label: t("tasks.stats.failedHour"),
                value: number.format(row.failedLastHour),
                alert: row.failedLastHour > 0,
              },
              {
                label: t("tasks.stats.succeededHour"),
                value: number.format(row.succeededLastHour),
              },
              {
                label: t("tasks.stats.p50"),
                value:
                  row.p50DurationMs === null ? "—" : formatDuration(row.p50DurationMs, language),
              },
            ];
            return (
              <li
                key={row.kind}
                data-kind={row.kind}
                className="gap-6 px-5 py-3 sm:flex sm:items-center"
              >
                <h3 className="text-sm font-medium text-fg sm:w-32 sm:shrink-0">
                  {kindLabel(t, row.kind)}
                </h3>
                <dl className="mt-2 grid grid-cols-3 gap-x-4 gap-y-2 sm:mt-0 sm:flex-1 sm:grid-cols-5">
                  {cells.map((cell) => (
                    <div key={cell.label} className="min-w-0">
                      <dt className="truncate text-xs text-fg-subtle">{cell.label}</dt>
                      <dd
                        className={cx(
                          "text-sm font-semibold tabular-nums",
                          cell.alert ? "text-danger" : "text-fg",
                        )}
                      >
                        {cell.value}
                      </dd>
                    </div>
                  ))}
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
