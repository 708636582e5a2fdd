import { Search, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import { kindLabel } from "./task-details";
import { KNOWN_KINDS, TASK_STATUSES } from "./types";
import type { TaskStatus } from "./types";

export interface TaskFilter {
  statuses: TaskStatus[];
  kind: string | null;
  search: string;
}

export const NO_FILTER: TaskFilter = { statuses: [], kind: null, search: "" };

/** Status chips (any number; none means all), a kind picker and a search box. */
export function TaskFilters({
  value,
  onChange,
}: {
  value: TaskFilter;
  onChange: (next: TaskFilter) => void;
}) {
  const { t } = useTranslation();
  const toggle = (status: TaskStatus) =>
    onChange({
      ...value,
      statuses: value.statuses.includes(status)
        ? value.statuses.filter((entry) => entry !== status)
        : TASK_STATUSES.filter((entry) => entry === status || value.statuses.includes(entry)),
    });
  const chip = (active: boolean) =>
    cx(
      "inline-flex h-7 cursor-pointer items-center rounded-full border px-2.5 text-xs font-medium transition-colors select-none",
      active
        ? "border-accent bg-accent-soft text-accent"
        : "border-line bg-surface text-fg-muted hover:border-line-strong hover:text-fg",
    );

  return (
    <div className="space-y-3" data-testid="task-filters">
      <div className="flex flex-col gap-2 sm:flex-row">
        <label className="relative min-w-0 flex-1">
          <span className="sr-only">{t("tasks.filters.search")}</span>
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle"
            aria-hidden
          />
          <input
            type="search"
            value={value.search}
            onChange={(event) => onChange({ ...value, search: event.target.value })}
            placeholder={t("tasks.filters.searchPlaceholder")}
            className={cx(inputClass, "pl-9")}
            data-testid="task-search"
          />
        </label>
        <label className="sm:w-48">
          <span className="sr-only">{t("tasks.filters.kind")}</span>
          <select
            value={value.kind ?? ""}
            onChange={(event) => onChange({ ...value, kind: event.target.value || null })}
            className={cx(inputClass, "appearance-auto")}
            data-testid="task-kind"
          >
            <option value="">{t("tasks.filters.allKinds")}</option>
            {KNOWN_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kindLabel(t, kind)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div
        role="group"
        aria-label={t("tasks.filters.status")}
        className="flex flex-wrap items-center gap-1.5"
      >
        <button
          type="button"
          aria-pressed={value.statuses.length === 0}
          onClick={() => onChange({ ...value, statuses: [] })}
          className={chip(value.statuses.length === 0)}
          data-testid="status-all"
        >
          {t("tasks.filters.allStatuses")}
        </button>
        {TASK_STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            aria-pressed={value.statuses.includes(status)}
            onClick={() => toggle(status)}
            className={chip(value.statuses.includes(status))}
            data-testid={`status-${status}`}
          >
            {t(`tasks.status.${status}`)}
          </button>
        ))}
        {value.statuses.length > 0 || value.kind !== null || value.search !== "" ? (
          <button
            type="button"
            onClick={() => onChange(NO_FILTER)}
            className="ml-1 inline-flex h-7 items-center gap-1 rounded-md px-1.5 text-xs font-medium text-fg-muted hover:bg-muted hover:text-fg"
          >
            <X className="size-3.5" aria-hidden />
            {t("tasks.filters.clear")}
          </button>
        ) : null}
      </div>
    </div>
  );
}
