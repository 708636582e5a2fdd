import {
  ArrowLeft,
  Eye,
  Globe,
  History,
  Lock,
  Save,
  Send,
  Sparkles,
  Trash2,
  Undo2,
} from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { toast } from "sonner";

import { FullPageError, FullPageLoader } from "../../components/full-page-status";
import { Alert } from "../../components/ui/alert";
import { Button, buttonClass } from "../../components/ui/button";
import { Field, Input, inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import { localizeFieldMessage } from "../../lib/field-message";
import { formatDateTime, formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import { failureMessage } from "../errors/notify-error";
import { readApiFailure } from "../../lib/errors";
import { ArticleAssistant } from "./article-assistant";
import { PendingBadge, StatusBadge } from "./article-bits";
import { selectionOf } from "./assistant-proposals";
import { ConflictPanel } from "./conflict-panel";
import { CoverField } from "./cover-field";
import { parseTags } from "./draft-state";
import { MarkdownView } from "./markdown-view";
import { RevisionsPanel } from "./revisions-panel";
import { useArticleEditor, type SaveState } from "./use-article-editor";

function SaveStatus({ state, dirty }: { state: SaveState; dirty: boolean }) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  let text: string;
  if (state.kind === "saving") text = t("articles.editor.saving");
  else if (state.kind === "failed") text = t("articles.editor.saveFailed");
  else if (dirty) text = t("articles.editor.unsaved");
  else if (state.kind === "saved")
    text = state.merged
      ? t("articles.editor.savedMerged", {
          when: formatRelative(new Date(state.at), i18n.language, now),
        })
      : t("articles.editor.saved", {
          when: formatRelative(new Date(state.at), i18n.language, now),
        });
  else text = t("articles.editor.upToDate");
  return (
    <span
      className={cx("text-xs", state.kind === "failed" ? "text-danger" : "text-fg-subtle")}
      role="status"
      data-testid="article-save-status"
    >
      {text}
    </span>
  );
}

/** Tags typed as one comma-separated line, read when the box is left. */
function TagsField({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const { t } = useTranslation();
  const joined = tags.join(", ");
  const [text, setText] = useState(joined);
  const [shown, setShown] = useState(joined);
  if (joined !== shown) {
    setShown(joined);
    setText(joined);
  }
  return (
    <Field label={t("articles.fields.tags")} hint={t("articles.editor.tagsHint")}>
      {(control) => (
        <Input
          id={control.id}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onBlur={() => onChange(parseTags(text))}
          data-testid="article-tags"
        />
      )}
    </Field>
  );
}

/**
 * The editor at /articles/:id: title, address, tags and summary, Markdown with a live preview,
 * autosave with its status, publishing, the history, and the conflict view when the same field
 * changed elsewhere. Unsaved work is kept in the browser and offered back after a crash.
 */
export function ArticleEditorPage() {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const editor = useArticleEditor(id);
  // One side panel at a time, beside the text: the history or the assistant.
  const [side, setSide] = useState<"history" | "assistant" | null>(null);
  /** The passage selected in the text, and the text it was selected in. */
  const [selection, setSelection] = useState<{ start: number; end: number; body: string } | null>(
    null,
  );
  const toggleSide = (panel: "history" | "assistant") =>
    setSide((open) => (open === panel ? null : panel));
  const publish = trpc.articles.publish.useMutation({
    onSuccess: (article) => {
      editor.adopt(article);
      toast.success(t("articles.editor.published"));
      void utils.articles.invalidate();
    },
  });
  const unpublish = trpc.articles.unpublish.useMutation({
    onSuccess: (article) => {
      editor.adopt(article);
      void utils.articles.invalidate();
    },
  });
  const remove = trpc.articles.delete.useMutation({
    onSuccess: () => {
      toast.success(t("articles.editor.deleted"));
      void utils.articles.invalidate();
      void navigate("/articles?scope=deleted");
    },
  });

  if (editor.query.isError)
    return (
      <FullPageError
        message={failureMessage(readApiFailure(editor.query.error))}
        onRetry={() => void editor.query.refetch()}
      />
    );
  const { base, fields } = editor;
  if (!base || !fields) return <FullPageLoader />;
  const errors = editor.save.kind === "failed" ? editor.save.fieldErrors : {};
  const busy = editor.save.kind === "saving";

  const bodySelection =
    // A selection in a text that has changed since (typed, or taken from elsewhere) is gone.
    selection && selection.body === fields.body
      ? {
          start: selection.start,
          end: selection.end,
          text: fields.body.slice(selection.start, selection.end),
        }
      : null;

  /** Before the assistant reads the article: unsaved work is saved, so it reads what you see. */
  const prepareForAssistant = async () => {
    if (editor.dirty) await editor.saveNow();
    return utils.articles.byId.getData({ id });
  };

  /** An accepted proposal made a new revision: the editor takes it as any change from elsewhere. */
  const onProposalAccepted = (version: number) => {
    editor.followNewer(version);
    void utils.articles.revisions.list.invalidate({ id });
    void utils.articles.list.invalidate();
  };

  const publishNow = async (isPublic?: boolean) => {
    if (editor.dirty) await editor.saveNow();
    const current = utils.articles.byId.getData({ id });
    publish.mutate({
      id,
      baseVersion: current?.version ?? base.version,
      ...(isPublic === undefined ? {} : { isPublic }),
    });
  };

  return (
    <div className="mx-auto max-w-6xl">
      <title>{`${fields.title || t("articles.untitled")} · ${t("app.name")}`}</title>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <Link to="/articles" className={buttonClass({ variant: "ghost", size: "sm" })}>
          <ArrowLeft className="size-4" aria-hidden />
          {t("articles.title")}
        </Link>
        <StatusBadge status={base.status} />
        {base.hasPendingChanges ? <PendingBadge /> : null}
        {base.status === "published" ? (
          <span className="flex items-center gap-1 text-xs text-fg-subtle">
            {base.isPublic ? (
              <Globe className="size-3.5" aria-hidden />
            ) : (
              <Lock className="size-3.5" aria-hidden />
            )}
            {base.isPublic ? t("articles.editor.public") : t("articles.editor.membersOnly")}
          </span>
        ) : null}
        <span className="ml-auto flex flex-wrap items-center gap-2">
          <SaveStatus state={editor.save} dirty={editor.dirty} />
          <Button
            size="sm"
            onClick={() => void editor.saveNow()}
            loading={busy}
            data-testid="article-save"
          >
            <Save className="size-4" aria-hidden />
            {t("articles.editor.save")}
          </Button>
          <Button
            size="sm"
            variant={side === "history" ? "primary" : "secondary"}
            onClick={() => toggleSide("history")}
            aria-pressed={side === "history"}
            data-testid="article-history"
          >
            <History className="size-4" aria-hidden />
            {t("articles.revisions.title")}
          </Button>
          <Button
            size="sm"
            variant={side === "assistant" ? "primary" : "secondary"}
            onClick={() => toggleSide("assistant")}
            aria-pressed={side === "assistant"}
            data-testid="article-assistant-toggle"
          >
            <Sparkles className="size-4" aria-hidden />
            {t("articles.assistant.open")}
          </Button>
          {base.status === "published" ? (
            <>
              <Link
                to={`/read/${base.slug}`}
                className={buttonClass({ size: "sm" })}
                data-testid="article-read"
              >
                <Eye className="size-4" aria-hidden />
                {t("articles.editor.view")}
              </Link>
              <Button
                size="sm"
                onClick={() => void publishNow(!base.isPublic)}
                data-testid="article-visibility"
              >
                {base.isPublic ? t("articles.editor.makePrivate") : t("articles.editor.makePublic")}
              </Button>
              <Button
                size="sm"
                onClick={() => unpublish.mutate({ id })}
                loading={unpublish.isPending}
                data-testid="article-unpublish"
              >
                <Undo2 className="size-4" aria-hidden />
                {t("articles.editor.unpublish")}
              </Button>
            </>
          ) : null}
          <Button
            size="sm"
            variant="primary"
            loading={publish.isPending}
            disabled={base.status === "published" && !base.hasPendingChanges && !editor.dirty}
            onClick={() => void publishNow()}
            data-testid="article-publish"
          >
            <Send className="size-4" aria-hidden />
            {base.status === "published"
              ? t("articles.editor.publishChanges")
              : t("articles.editor.publish")}
          </Button>
          <Button
            size="sm"
            variant="danger-ghost"
            onClick={() => remove.mutate({ id })}
            loading={remove.isPending}
            aria-label={t("articles.editor.delete")}
            data-testid="article-delete"
          >
            <Trash2 className="size-4" aria-hidden />
          </Button>
        </span>
      </div>

      {editor.recovered ? (
        <div className="mb-4" data-testid="article-recovered">
          <Alert tone="warning" title={t("articles.editor.recoveredTitle")}>
            <p>
              {t("articles.editor.recovered", {
                time: formatDateTime(new Date(editor.recovered.savedAt), i18n.language),
              })}
            </p>
            <div className="mt-2 flex gap-2">
              <Button
                size="sm"
                variant="primary"
                onClick={editor.recover}
                data-testid="article-recover"
              >
                {t("articles.editor.recover")}
              </Button>
              <Button size="sm" onClick={editor.discardRecovered}>
                {t("articles.editor.discard")}
              </Button>
            </div>
          </Alert>
        </div>
      ) : null}
      {editor.changedElsewhere && !editor.conflict ? (
        <div className="mb-4" data-testid="article-changed-elsewhere">
          <Alert tone="warning" title={t("articles.editor.changedElsewhere")} />
        </div>
      ) : null}
      {editor.save.kind === "failed" && Object.keys(errors).length === 0 ? (
        <Alert tone="danger" className="mb-4" title={editor.save.message} />
      ) : null}
      {editor.conflict ? (
        <ConflictPanel conflict={editor.conflict} mine={fields} onSettle={editor.settle} />
      ) : null}

      <div
        className={cx(
          "grid gap-6",
          side === "history" && "lg:grid-cols-[minmax(0,1fr)_320px]",
          side === "assistant" && "lg:grid-cols-[minmax(0,1fr)_360px]",
        )}
      >
        <div className="min-w-0 space-y-4">
          <input
            value={fields.title}
            onChange={(event) => editor.edit({ title: event.target.value })}
            placeholder={t("articles.editor.titlePlaceholder")}
            aria-label={t("articles.fields.title")}
            aria-invalid={errors["title"] ? true : undefined}
            maxLength={200}
            className="w-full border-0 bg-transparent text-3xl font-semibold tracking-tight text-fg placeholder:text-fg-subtle focus:outline-none"
            data-testid="article-title"
          />
          <div className="grid gap-4 md:grid-cols-2">
            <Field
              label={t("articles.fields.slug")}
              hint={t("articles.editor.slugHint")}
              errors={errors["slug"]}
            >
              {(control) => (
                <Input
                  id={control.id}
                  value={fields.slug}
                  aria-invalid={control.invalid || undefined}
                  aria-describedby={control.describedBy}
                  onChange={(event) => editor.edit({ slug: event.target.value })}
                  data-testid="article-slug"
                />
              )}
            </Field>
            <TagsField tags={fields.tags} onChange={(tags) => editor.edit({ tags })} />
          </div>
          <Field
            label={t("articles.fields.excerpt")}
            hint={t("articles.editor.excerptHint")}
            errors={errors["excerpt"]}
          >
            {(control) => (
              <Input
                id={control.id}
                value={fields.excerpt}
                maxLength={500}
                onChange={(event) => editor.edit({ excerpt: event.target.value })}
                data-testid="article-excerpt"
              />
            )}
          </Field>
          <CoverField
            cover={fields.cover}
            savedUrl={base.cover?.id === fields.cover?.id ? (base.coverUrl ?? null) : null}
            onChange={(cover) => editor.edit({ cover })}
          />
          {errors["cover"] ? (
            <p className="text-xs text-danger">
              {errors["cover"].map((m) => localizeFieldMessage(m, t)).join(" ")}
            </p>
          ) : null}
          <div
            className={cx(
              "grid gap-4",
              // Beside a side panel the text and its preview stack, each at a readable width.
              !side && "min-h-[28rem] md:grid-cols-2",
            )}
          >
            <label className="flex flex-col">
              <span className="mb-1.5 text-[13px] font-medium">{t("articles.fields.body")}</span>
              <textarea
                value={fields.body}
                onChange={(event) => editor.edit({ body: event.target.value })}
                onSelect={(event) => {
                  const { selectionStart, selectionEnd, value } = event.currentTarget;
                  const range = selectionOf(selectionStart, selectionEnd);
                  setSelection(range ? { ...range, body: value } : null);
                }}
                placeholder={t("articles.editor.bodyPlaceholder")}
                aria-invalid={errors["body"] ? true : undefined}
                className={cx(
                  inputClass,
                  "h-auto min-h-80 flex-1 resize-y py-2 font-mono text-[13px] leading-relaxed",
                )}
                data-testid="article-body"
              />
              {errors["body"] ? (
                <span className="mt-1 text-xs text-danger">
                  {errors["body"].map((m) => localizeFieldMessage(m, t)).join(" ")}
                </span>
              ) : null}
            </label>
            <div className="flex flex-col">
              <span className="mb-1.5 text-[13px] font-medium">{t("articles.editor.preview")}</span>
              <div
                className="flex-1 overflow-auto rounded-lg border border-line bg-surface p-4"
                data-testid="article-preview"
              >
                {fields.body.trim() ? (
                  <MarkdownView source={fields.body} />
                ) : (
                  <p className="text-sm text-fg-subtle">{t("articles.editor.previewEmpty")}</p>
                )}
              </div>
            </div>
          </div>
        </div>
        {side === "history" ? (
          <RevisionsPanel article={base} dirty={editor.dirty} onRestored={editor.adopt} />
        ) : side === "assistant" ? (
          <ArticleAssistant
            articleId={id}
            selection={bodySelection}
            prepare={prepareForAssistant}
            onAccepted={onProposalAccepted}
          />
        ) : null}
      </div>
    </div>
  );
}
