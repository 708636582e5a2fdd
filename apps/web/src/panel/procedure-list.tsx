import { Search } from "lucide-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { cx } from "../lib/cx";
import { nameOf, namespaceOf, type PanelProcedure, type ProcedureKind } from "./json-schema";
import { inputClass, KindBadge } from "./ui";

export type KindFilter = ProcedureKind | "all";

const FILTERS: readonly KindFilter[] = ["all", "query", "mutation", "subscription"];

/** Case-insensitive match on the path; every word must appear. */
export function matchesSearch(procedure: PanelProcedure, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const path = procedure.path.toLowerCase();
  return words.every((word) => path.includes(word));
}

export function groupByNamespace(
  procedures: readonly PanelProcedure[],
): [string, PanelProcedure[]][] {
  const groups = new Map<string, PanelProcedure[]>();
  for (const procedure of procedures) {
    const namespace = namespaceOf(procedure.path);
    const group = groups.get(namespace);
    if (group) group.push(procedure);
    else groups.set(namespace, [procedure]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function ProcedureList(props: {
  procedures: readonly PanelProcedure[];
  selected: string | null;
  onSelect: (path: string) => void;
  search: string;
  onSearch: (search: string) => void;
  filter: KindFilter;
  onFilter: (filter: KindFilter) => void;
}) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const groups = useMemo(
    () =>
      groupByNamespace(
        props.procedures.filter(
          (procedure) =>
            (props.filter === "all" || procedure.type === props.filter) &&
            matchesSearch(procedure, props.search),
        ),
      ),
    [props.procedures, props.filter, props.search],
  );

  return (
    <nav aria-label={t("list.label")} className="flex min-h-0 flex-col gap-3">
      <div className="relative">
        <Search
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle"
          aria-hidden
        />
        <input
          type="search"
          className={cx(inputClass, "pl-8")}
          placeholder={t("list.search")}
          aria-label={t("list.search")}
          value={props.search}
          onChange={(event) => props.onSearch(event.target.value)}
        />
      </div>
      <div className="flex flex-wrap gap-1" role="group" aria-label={t("list.filter")}>
        {FILTERS.map((filter) => (
          <button
            key={filter}
            type="button"
            aria-pressed={props.filter === filter}
            onClick={() => props.onFilter(filter)}
            className={cx(
              "cursor-pointer rounded-md px-1.5 py-1 text-xs font-medium transition-colors",
              props.filter === filter
                ? "bg-accent-soft text-accent"
                : "text-fg-muted hover:bg-muted hover:text-fg",
            )}
          >
            {t(`filter.${filter}`)}
          </button>
        ))}
      </div>
      {groups.length === 0 ? (
        <p className="px-1 py-4 text-center text-sm text-fg-subtle">{t("list.empty")}</p>
      ) : (
        <div className="-mx-1 min-h-0 space-y-4 overflow-y-auto px-1">
          {groups.map(([namespace, procedures]) => (
            <div key={namespace}>
              <h3 className="mb-1 px-2 font-mono text-[11px] font-semibold text-fg-subtle">
                {namespace === "" ? t("list.root") : namespace}
              </h3>
              <ul className="space-y-0.5">
                {procedures.map((procedure) => {
                  const active = procedure.path === props.selected;
                  return (
                    <li key={procedure.path}>
                      <button
                        type="button"
                        data-path={procedure.path}
                        aria-current={active ? "true" : undefined}
                        onClick={() => props.onSelect(procedure.path)}
                        className={cx(
                          "flex w-full cursor-pointer items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left transition-colors",
                          active
                            ? "bg-accent-soft text-accent"
                            : "text-fg-muted hover:bg-muted hover:text-fg",
                        )}
                      >
                        <span className="truncate font-mono text-[13px]">
                          {nameOf(procedure.path)}
                        </span>
                        <KindBadge kind={procedure.type} />
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </div>
      )}
    </nav>
  );
}
