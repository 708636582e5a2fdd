import {
  Braces,
  History,
  MessageSquarePlus,
  PencilLine,
  RotateCcw,
  Save,
  Trash2,
} from "lucide-react";
import { useId } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { CopyButton } from "../../components/ui/copy-button";
import { inputClass } from "../../components/ui/input";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { formatRelative } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { promptVariables } from "./brief";
import type { PromptDetail, PromptVersion } from "./types";

/** Where the text in the box comes from. */
export type TextSource = "composed" | "edited";

/** A saved prompt's versions, newest first: pick one to look at it. */
function VersionList({
  prompt,
  shown,
  onShow,
}: {
  prompt: PromptDetail;
  shown: number;
  onShow: (version: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(30_000);
  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="prompt-versions">
      <span className="mr-0.5 inline-flex items-center gap-1 text-xs font-medium text-fg-muted">
        <History className="size-3.5" aria-hidden />
        {t("prompts.versions.label")}
      </span>
      {prompt.versions.map((version) => {
        const active = version.version === shown;
        return (
          <button
            key={version.version}
            type="button"
            onClick={() => onShow(version.version)}
            aria-pressed={active}
            title={formatRelative(
              version.createdAt,
              i18n.language,
              Math.max(now, version.createdAt.getTime()),
            )}
            className={cx(
              "h-7 rounded-md border px-2 text-xs tabular-nums transition-colors",
              active
                ? "border-accent/40 bg-accent-soft font-medium text-accent"
                : "border-line bg-surface text-fg-muted hover:border-line-strong hover:text-fg",
            )}
            data-testid="prompt-version"
            data-version={version.version}
          >
            {version.version === prompt.latestVersion
              ? t("prompts.versions.latest", { version: version.version })
              : t("prompts.versions.number", { version: version.version })}
          </button>
        );
      })}
    </div>
  );
}

/**
 * The prompt itself: its text (composed from the brief until you edit it), the variables it
 * uses, and for a saved prompt its name, versions, Save as a new version, Use in chat and delete.
 */
export function PromptEditor({
  text,
  source,
  composing,
  notice,
  canRecompose,
  saved,
  viewing,
  name,
  unsaved,
  saving,
  starting,
  onTextChange,
  onRecompose,
  onShowVersion,
  onEditVersion,
  onNameChange,
  onSave,
  onUseInChat,
  onDelete,
}: {
  text: string;
  source: TextSource;
  composing: boolean;
  /** Why there is no composed text (an empty brief, a brief the server refused). */
  notice: { tone: "hint" | "error"; message: string } | null;
  canRecompose: boolean;
  /** The saved prompt open, if any. */
  saved: PromptDetail | null;
  /** An older version being looked at, if any. */
  viewing: PromptVersion | null;
  name: string;
  unsaved: boolean;
  saving: boolean;
  starting: boolean;
  onTextChange: (text: string) => void;
  onRecompose: () => void;
  onShowVersion: (version: number) => void;
  onEditVersion: () => void;
  onNameChange: (name: string) => void;
  onSave: () => void;
  onUseInChat: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const textId = useId();
  const nameId = useId();
  const shown = viewing ? viewing.content : text;
  const variables = promptVariables(shown);
  const canSave =
    !viewing && !composing && !saving && name.trim().length > 0 && text.trim().length > 0;

  return (
    <Card data-testid="prompt-editor">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-line px-5 py-3.5">
        <label htmlFor={textId} className="text-sm font-semibold text-fg">
          {t("prompts.editor.title")}
        </label>
        <span
          className="flex items-center gap-1.5 text-xs text-fg-subtle"
          data-testid="prompt-source"
          data-source={source}
        >
          {composing ? <Spinner className="size-3" /> : null}
          {viewing
            ? t("prompts.editor.viewingVersion", { version: viewing.version })
            : source === "composed"
              ? t("prompts.editor.composed")
              : t("prompts.editor.edited")}
        </span>
        <div className="ml-auto flex items-center gap-1">
          {canRecompose && !viewing ? (
            <Button
              size="sm"
              variant="ghost"
              className="h-7 px-2"
              onClick={onRecompose}
              data-testid="prompt-recompose"
            >
              <RotateCcw className="size-3.5" aria-hidden />
              {t("prompts.editor.recompose")}
            </Button>
          ) : null}
          {shown.trim() ? (
            <CopyButton value={shown} variant="ghost" size="sm" className="h-7 px-2" />
          ) : null}
        </div>
      </header>

      <div className="space-y-3 px-5 py-4">
        {saved ? (
          <VersionList
            prompt={saved}
            shown={viewing?.version ?? saved.latestVersion}
            onShow={onShowVersion}
          />
        ) : null}
        {viewing ? (
          <div className="space-y-2" data-testid="prompt-version-view">
            <pre
              id={textId}
              className="max-h-[26rem] min-h-40 overflow-auto rounded-lg border border-line bg-subtle px-3 py-2 font-mono text-[13px] leading-6 whitespace-pre-wrap text-fg [overflow-wrap:anywhere]"
              data-testid="prompt-version-text"
            >
              {viewing.content}
            </pre>
            <div className="flex flex-wrap items-center gap-2">
              <p className="mr-auto text-xs text-fg-subtle">
                {t("prompts.versions.olderHint", { version: viewing.version })}
              </p>
              <Button size="sm" onClick={onEditVersion} data-testid="prompt-version-edit">
                <PencilLine className="size-4" aria-hidden />
                {t("prompts.versions.editFrom")}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => saved && onShowVersion(saved.latestVersion)}
                data-testid="prompt-version-latest"
              >
                {t("prompts.versions.backToLatest")}
              </Button>
            </div>
          </div>
        ) : (
          <textarea
            id={textId}
            value={text}
            onChange={(event) => onTextChange(event.target.value)}
            placeholder={t("prompts.editor.placeholder")}
            spellCheck={false}
            className={cx(
              inputClass,
              "field-sizing-content h-auto max-h-[26rem] min-h-48 resize-y py-2 font-mono text-[13px] leading-6",
            )}
            data-testid="prompt-text"
          />
        )}
        {notice && !text.trim() && !viewing ? (
          <p
            className={cx("text-[13px]", notice.tone === "error" ? "text-danger" : "text-fg-muted")}
            role={notice.tone === "error" ? "alert" : "status"}
            data-testid="prompt-compose-notice"
          >
            {notice.message}
          </p>
        ) : null}

        <div className="flex flex-wrap items-center gap-1.5" data-testid="prompt-variables">
          <span className="mr-0.5 inline-flex items-center gap-1 text-xs font-medium text-fg-muted">
            <Braces className="size-3.5" aria-hidden />
            {t("prompts.editor.variables")}
          </span>
          {variables.length > 0 ? (
            variables.map((variable) => (
              <code
                key={variable}
                className="rounded-md bg-accent-soft px-1.5 py-0.5 font-mono text-xs text-accent"
                data-testid="prompt-variable"
              >
                {`{{${variable}}}`}
              </code>
            ))
          ) : (
            <span className="text-xs text-fg-subtle">
              {t("prompts.editor.noVariables", { example: "{{name}}" })}
            </span>
          )}
        </div>
      </div>

      <footer className="flex flex-wrap items-end gap-2 border-t border-line bg-subtle/50 px-5 py-3 sm:rounded-b-xl">
        <div className="min-w-48 flex-1 space-y-1">
          <label htmlFor={nameId} className="block text-xs font-medium text-fg-muted">
            {t("prompts.editor.name")}
          </label>
          <input
            id={nameId}
            value={name}
            maxLength={120}
            placeholder={t("prompts.editor.namePlaceholder")}
            onChange={(event) => onNameChange(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && canSave) onSave();
            }}
            className={cx(inputClass, "h-8 text-[13px]")}
            data-testid="prompt-name"
          />
        </div>
        <Button
          size="sm"
          variant="primary"
          loading={saving}
          disabled={!canSave}
          onClick={onSave}
          data-testid="prompt-save"
        >
          {saving ? null : <Save className="size-4" aria-hidden />}
          {saved ? t("prompts.editor.saveVersion") : t("prompts.editor.save")}
        </Button>
        {saved ? (
          <>
            <Button
              size="sm"
              loading={starting}
              onClick={onUseInChat}
              title={unsaved ? t("prompts.useInChat.unsavedHint") : undefined}
              data-testid="prompt-use-in-chat"
            >
              {starting ? null : <MessageSquarePlus className="size-4" aria-hidden />}
              {t("prompts.useInChat.button")}
            </Button>
            <Button
              size="sm"
              variant="danger-ghost"
              onClick={onDelete}
              aria-label={t("prompts.library.delete", { name: saved.name })}
              title={t("prompts.library.deleteShort")}
              data-testid="prompt-delete"
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </>
        ) : null}
        {saved && unsaved && !viewing ? (
          <p className="w-full text-xs text-fg-subtle" data-testid="prompt-unsaved">
            {t("prompts.editor.unsaved")}
          </p>
        ) : null}
      </footer>
    </Card>
  );
}
