import { keepPreviousData } from "@tanstack/react-query";
import {
  ChevronDown,
  MessageSquarePlus,
  MessagesSquare,
  Pencil,
  Search,
  SearchX,
  Trash2,
} from "lucide-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

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
import { DeleteConversationDialog } from "./delete-conversation-dialog";
import { formatCount } from "./format-stats";
import type { ConversationSummary } from "./types";
import { useChatCache } from "./use-chat-cache";

const PAGE_SIZE = 30;

/** A conversation's title, edited in place: Enter or leaving the field saves, Escape cancels. */
function RenameField({
  conversation,
  onDone,
}: {
  conversation: ConversationSummary;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const cache = useChatCache();
  const [title, setTitle] = useState(conversation.title);
  // Enter saves, and the field then loses focus: save once.
  const saved = useRef(false);
  const rename = trpc.aiChat.conversations.update.useMutation({
    onSuccess: (updated) => cache.setConversation(updated),
    onSettled: onDone,
  });
  const save = () => {
    if (saved.current) return;
    saved.current = true;
    const next = title.trim();
    if (!next || next === conversation.title) onDone();
    else rename.mutate({ id: conversation.id, title: next.slice(0, 200) });
  };
  return (
    <input
      value={title}
      autoFocus
      maxLength={200}
      disabled={rename.isPending}
      aria-label={t("chat.list.renameLabel")}
      onFocus={(event) => event.currentTarget.select()}
      onChange={(event) => setTitle(event.target.value)}
      onBlur={save}
      onKeyDown={(event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          save();
        } else if (event.key === "Escape") {
          event.preventDefault();
          saved.current = true;
          onDone();
        }
      }}
      className={cx(inputClass, "m-1 h-8 flex-1 text-sm")}
      data-testid="chat-rename-input"
    />
  );
}

function ConversationRow({
  conversation,
  active,
  now,
  onPicked,
  onDelete,
}: {
  conversation: ConversationSummary;
  active: boolean;
  now: number;
  onPicked: () => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [renaming, setRenaming] = useState(false);
  const iconButton =
    "inline-flex size-7 items-center justify-center rounded-md text-fg-subtle hover:bg-surface hover:text-fg focus-visible:opacity-100";
  return (
    <li
      className={cx(
        "group flex items-center gap-0.5 rounded-lg pr-1 transition-colors",
        active ? "bg-accent-soft" : "hover:bg-muted",
      )}
      data-testid="chat-conversation"
      data-active={active || undefined}
    >
      {renaming ? (
        <RenameField conversation={conversation} onDone={() => setRenaming(false)} />
      ) : (
        <>
          <Link
            to={`/chat/${conversation.id}`}
            onClick={onPicked}
            aria-current={active ? "page" : undefined}
            className="min-w-0 flex-1 px-2.5 py-2"
            data-testid="chat-conversation-link"
          >
            <span
              className={cx(
                "block truncate text-sm font-medium",
                active ? "text-accent" : "text-fg",
              )}
              data-testid="chat-conversation-title"
            >
              {conversation.title}
            </span>
            <span className="block truncate text-xs text-fg-subtle">
              {/* A change made after the clock last ticked reads "now", never "in 3 seconds". */}
              {formatRelative(
                conversation.updatedAt,
                i18n.language,
                Math.max(now, conversation.updatedAt.getTime()),
              )}
            </span>
          </Link>
          <div
            className={cx(
              "flex shrink-0 items-center transition-opacity",
              !active &&
                "lg:opacity-0 lg:group-focus-within:opacity-100 lg:group-hover:opacity-100",
            )}
          >
            <button
              type="button"
              className={iconButton}
              aria-label={t("chat.list.rename", { title: conversation.title })}
              title={t("chat.list.renameShort")}
              onClick={() => setRenaming(true)}
              data-testid="chat-rename"
            >
              <Pencil className="size-3.5" aria-hidden />
            </button>
            <button
              type="button"
              className={cx(iconButton, "hover:text-danger")}
              aria-label={t("chat.list.delete", { title: conversation.title })}
              title={t("chat.list.deleteShort")}
              onClick={onDelete}
              data-testid="chat-delete"
            >
              <Trash2 className="size-3.5" aria-hidden />
            </button>
          </div>
        </>
      )}
    </li>
  );
}

function UsageLine() {
  const { t, i18n } = useTranslation();
  const usage = trpc.aiChat.usage.useQuery(undefined, { meta: { errorToast: false } });
  if (!usage.data) return null;
  const { usedToday, dailyLimit } = usage.data;
  const share = Math.min(1, usedToday / Math.max(1, dailyLimit));
  return (
    <div className="border-t border-line px-3 py-2.5" data-testid="chat-usage">
      <p className="text-xs text-fg-subtle tabular-nums">
        {t("chat.list.usage", {
          used: formatCount(usedToday, i18n.language),
          limit: formatCount(dailyLimit, i18n.language),
        })}
      </p>
      <div className="mt-1.5 h-1 overflow-hidden rounded-full bg-muted" aria-hidden>
        <div
          className={cx("h-full rounded-full", share > 0.9 ? "bg-warning" : "bg-accent/60")}
          style={{ width: `${Math.round(share * 100)}%` }}
        />
      </div>
    </div>
  );
}

/**
 * The caller's conversations, most recent first, with search (titles and messages), New chat,
 * rename in place and delete. On small screens it folds into a bar above the conversation.
 */
export function ConversationList({
  activeId,
  configured,
}: {
  activeId: string | null;
  configured: boolean;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const now = useNow(30_000);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const search = useDebouncedValue(text.trim(), 300);
  const [deleting, setDeleting] = useState<{ id: string; title: string } | null>(null);
  const list = trpc.aiChat.conversations.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...(search ? { search } : {}) },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
      meta: { errorToast: false },
    },
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const collapse = () => setOpen(false);

  return (
    <Card className="flex min-h-0 flex-col overflow-hidden p-0" data-testid="chat-sidebar">
      <div className="flex items-center gap-2 border-b border-line p-2.5">
        <button
          type="button"
          onClick={() => setOpen((value) => !value)}
          aria-expanded={open}
          className="-ml-0.5 flex min-w-0 flex-1 items-center gap-2 rounded-md px-1.5 py-1 text-left text-sm font-semibold text-fg hover:bg-muted lg:pointer-events-none lg:hover:bg-transparent"
          data-testid="chat-list-toggle"
        >
          <MessagesSquare className="size-4 shrink-0 text-fg-subtle lg:hidden" aria-hidden />
          <span className="truncate">{t("chat.list.title")}</span>
          <ChevronDown
            className={cx(
              "size-4 shrink-0 text-fg-subtle transition-transform lg:hidden",
              open && "rotate-180",
            )}
            aria-hidden
          />
        </button>
        <Link
          to="/chat"
          onClick={collapse}
          className={buttonClass({ variant: "primary", size: "sm" })}
          data-testid="chat-new"
        >
          <MessageSquarePlus className="size-4" aria-hidden />
          {t("chat.newChat")}
        </Link>
      </div>
      <div className={cx("min-h-0 flex-1 flex-col", open ? "flex" : "hidden", "lg:flex")}>
        <div className="p-2.5 pb-1.5">
          <label className="relative block">
            <span className="sr-only">{t("chat.list.searchLabel")}</span>
            <Search
              className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle"
              aria-hidden
            />
            <input
              type="search"
              value={text}
              onChange={(event) => setText(event.target.value)}
              placeholder={t("chat.list.searchPlaceholder")}
              className={cx(inputClass, "h-8 pl-8 text-[13px]")}
              data-testid="chat-search"
            />
          </label>
        </div>
        <div className="max-h-[50dvh] min-h-0 flex-1 overflow-y-auto px-1.5 pb-2 lg:max-h-none">
          {list.isPending ? (
            <div className="space-y-3 p-2" aria-busy>
              {Array.from({ length: 4 }, (_, index) => (
                <div key={index} className="space-y-1.5">
                  <Skeleton className="h-3.5 w-4/5" />
                  <Skeleton className="h-3 w-1/3" />
                </div>
              ))}
            </div>
          ) : list.isError ? (
            <EmptyState
              icon={SearchX}
              title={t("chat.list.loadFailed")}
              hint={list.error.message}
              action={
                <Button size="sm" onClick={() => void list.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            />
          ) : items.length === 0 ? (
            <EmptyState
              icon={search ? SearchX : MessagesSquare}
              title={search ? t("chat.list.noMatches", { query: search }) : t("chat.list.empty")}
              hint={search ? undefined : t("chat.list.emptyHint")}
            />
          ) : (
            <ul
              className={cx("space-y-0.5", list.isPlaceholderData && "opacity-60")}
              data-testid="chat-conversations"
            >
              {items.map((conversation) => (
                <ConversationRow
                  key={conversation.id}
                  conversation={conversation}
                  active={conversation.id === activeId}
                  now={now}
                  onPicked={collapse}
                  onDelete={() => setDeleting({ id: conversation.id, title: conversation.title })}
                />
              ))}
            </ul>
          )}
          {list.hasNextPage ? (
            <div className="p-2 text-center">
              <Button
                variant="ghost"
                size="sm"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {t("chat.list.more")}
              </Button>
            </div>
          ) : null}
        </div>
        {configured ? <UsageLine /> : null}
      </div>
      <DeleteConversationDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(id) => {
          if (id === activeId) void navigate("/chat");
        }}
      />
    </Card>
  );
}
