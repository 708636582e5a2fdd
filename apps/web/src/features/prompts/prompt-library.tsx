import { keepPreviousData } from "@tanstack/react-query";
import { ChevronDown, FilePlus2, Library, Search, SearchX, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { Button, buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { inputClass } from "../../components/ui/input";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { useNow } from "../../lib/use-now";
import type { SavedPrompt } from "./types";

function PromptRow({
  prompt,
  active,
  now,
  onPicked,
  onDelete,
}: {
  prompt: SavedPrompt;
  active: boolean;
  now: number;
  onPicked: () => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <li
      className={cx(
        "group flex items-center gap-0.5 rounded-lg pr-1 transition-colors",
        active ? "bg-accent-soft" : "hover:bg-muted",
      )}
      data-testid="prompt-row"
      data-active={active || undefined}
    >
      <Link
        to={`/prompts/${prompt.id}`}
        onClick={onPicked}
        aria-current={active ? "page" : undefined}
        className="min-w-0 flex-1 px-2.5 py-2"
        data-testid="prompt-link"
      >
        <span
          className={cx("block truncate text-sm font-medium", active ? "text-accent" : "text-fg")}
          data-testid="prompt-row-name"
        >
          {prompt.name}
        </span>
        <span className="block truncate text-xs text-fg-subtle">
          {t("prompts.library.meta", {
            version: prompt.latestVersion,
            when: formatRelative(
              prompt.updatedAt,
              i18n.language,
              Math.max(now, prompt.updatedAt.getTime()),
            ),
          })}
          {prompt.variables.length > 0
            ? ` · ${t("prompts.library.variables", { count: prompt.variables.length })}`
            : ""}
        </span>
      </Link>
      <button
        type="button"
        className={cx(
          "inline-flex size-7 shrink-0 items-center justify-center rounded-md text-fg-subtle transition-opacity hover:bg-surface hover:text-danger focus-visible:opacity-100",
          !active && "lg:opacity-0 lg:group-focus-within:opacity-100 lg:group-hover:opacity-100",
        )}
        aria-label={t("prompts.library.delete", { name: prompt.name })}
        title={t("prompts.library.deleteShort")}
        onClick={onDelete}
        data-testid="prompt-row-delete"
      >
        <Trash2 className="size-3.5" aria-hidden />
      </button>
    </li>
  );
}

/**
 * The caller's saved prompts, most recently changed first, with search by name and New prompt.
 * On small screens it folds into a bar above the generator.
 */
export function PromptLibrary({
  activeId,
  onNew,
  onDelete,
}: {
  activeId: string | null;
  onNew: () => void;
  onDelete: (prompt: { id: string; name: string }) => void;
}) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const search = useDebouncedValue(text.trim(), 300);
  const list = trpc.aiChat.prompts.list.useQuery(search ? { search } : {}, {
    placeholderData: keepPreviousData,
    meta: { errorToast: false },
  });
  const items = list.data ?? [];
  const collapse = () => setOpen(false);

  return (
    <Card
      className="flex min-h-0 flex-col overflow-hidden p-0 lg:sticky lg:top-20 lg:max-h-[calc(100dvh-7.5rem)]"
      data-testid="prompt-library"
    >
      <div className="flex items-center gap-2 border-b border-line p-2.5">
        <button
          type="button"
          onClick={() => setOpen((value) => !value)}
          aria-expanded={open}
          className="-ml-0.5 flex min-w-0 flex-1 items-center gap-2 rounded-md px-1.5 py-1 text-left text-sm font-semibold text-fg hover:bg-muted lg:pointer-events-none lg:hover:bg-transparent"
          data-testid="prompt-library-toggle"
        >
          <Library className="size-4 shrink-0 text-fg-subtle lg:hidden" aria-hidden />
          <span className="truncate">{t("prompts.library.title")}</span>
          <ChevronDown
            className={cx(
              "size-4 shrink-0 text-fg-subtle transition-transform lg:hidden",
              open && "rotate-180",
            )}
            aria-hidden
          />
        </button>
        <Link
          to="/prompts"
          onClick={() => {
            collapse();
            onNew();
          }}
          className={buttonClass({ variant: "primary", size: "sm" })}
          data-testid="prompt-new"
        >
          <FilePlus2 className="size-4" aria-hidden />
          {t("prompts.new")}
        </Link>
      </div>
      <div className={cx("min-h-0 flex-1 flex-col", open ? "flex" : "hidden", "lg:flex")}>
        <div className="p-2.5 pb-1.5">
          <label className="relative block">
            <span className="sr-only">{t("prompts.library.searchLabel")}</span>
            <Search
              className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle"
              aria-hidden
            />
            <input
              type="search"
              value={text}
              onChange={(event) => setText(event.target.value)}
              placeholder={t("prompts.library.searchPlaceholder")}
              className={cx(inputClass, "h-8 pl-8 text-[13px]")}
              data-testid="prompt-search"
            />
          </label>
        </div>
        <div className="max-h-[50dvh] min-h-0 flex-1 overflow-y-auto px-1.5 pb-2 lg:max-h-none">
          {list.isPending ? (
            <div className="space-y-3 p-2" aria-busy>
              {Array.from({ length: 3 }, (_, index) => (
                <div key={index} className="space-y-1.5">
                  <Skeleton className="h-3.5 w-4/5" />
                  <Skeleton className="h-3 w-1/3" />
                </div>
              ))}
            </div>
          ) : list.isError ? (
            <EmptyState
              icon={SearchX}
              title={t("prompts.library.loadFailed")}
              hint={list.error.message}
              action={
                <Button size="sm" onClick={() => void list.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            />
          ) : items.length === 0 ? (
            <EmptyState
              icon={search ? SearchX : Library}
              title={
                search
                  ? t("prompts.library.noMatches", { query: search })
                  : t("prompts.library.empty")
              }
              hint={search ? undefined : t("prompts.library.emptyHint")}
            />
          ) : (
            <ul
              className={cx("space-y-0.5", list.isPlaceholderData && "opacity-60")}
              data-testid="prompt-rows"
            >
              {items.map((prompt) => (
                <PromptRow
                  key={prompt.id}
                  prompt={prompt}
                  active={prompt.id === activeId}
                  now={now}
                  onPicked={collapse}
                  onDelete={() => onDelete({ id: prompt.id, name: prompt.name })}
                />
              ))}
            </ul>
          )}
        </div>
      </div>
    </Card>
  );
}
