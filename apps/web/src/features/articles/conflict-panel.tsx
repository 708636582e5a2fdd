import { GitMerge } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { cx } from "../../lib/cx";
import { fieldsOf, type ArticleFields, type Choice, type EditableField } from "./draft-state";
import type { Article } from "./types";

function show(field: EditableField, fields: ArticleFields, coverName: string): string {
  if (field === "tags") return fields.tags.map((tag) => `#${tag}`).join(" ");
  if (field === "cover") return fields.cover ? coverName : "";
  return fields[field];
}

/**
 * The same fields changed here and elsewhere: each side shown, the writer picks one per field.
 * Everything else of both sides is kept without asking.
 */
export function ConflictPanel({
  conflict,
  mine,
  onSettle,
}: {
  conflict: { fields: EditableField[]; theirs: Article };
  mine: ArticleFields;
  onSettle: (choices: Partial<Record<EditableField, Choice>>) => void;
}) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<Partial<Record<EditableField, Choice>>>(() =>
    Object.fromEntries(conflict.fields.map((field) => [field, "mine"])),
  );
  const theirs = conflict.theirs;
  return (
    <section
      className="mb-4 rounded-xl border border-warning/40 bg-warning-soft/40 p-4"
      role="alert"
      data-testid="article-conflict"
    >
      <div className="flex items-start gap-3">
        <GitMerge className="mt-0.5 size-5 shrink-0 text-warning" aria-hidden />
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold text-fg">{t("articles.conflict.title")}</h2>
          <p className="mt-1 text-sm text-fg-muted">
            {t("articles.conflict.hint", { author: theirs.authorName, version: theirs.version })}
          </p>
          <div className="mt-4 space-y-4">
            {conflict.fields.map((field) => (
              <fieldset key={field} className="space-y-2" data-testid={`conflict-${field}`}>
                <legend className="text-[13px] font-medium text-fg">
                  {t(`articles.fields.${field}`)}
                </legend>
                <div className="grid gap-2 md:grid-cols-2">
                  {(["mine", "theirs"] as const).map((side) => (
                    <label
                      key={side}
                      className={cx(
                        "block cursor-pointer rounded-lg border bg-surface p-3 text-sm",
                        choices[field] === side
                          ? "border-accent ring-2 ring-accent/20"
                          : "border-line",
                      )}
                    >
                      <span className="mb-1.5 flex items-center gap-2 font-medium">
                        <input
                          type="radio"
                          name={`conflict-${field}`}
                          checked={choices[field] === side}
                          onChange={() => setChoices((c) => ({ ...c, [field]: side }))}
                          data-testid={`conflict-${field}-${side}`}
                        />
                        {t(`articles.conflict.${side}`)}
                      </span>
                      <span className="block max-h-40 overflow-auto font-mono text-xs whitespace-pre-wrap text-fg-muted">
                        {show(
                          field,
                          side === "mine" ? mine : fieldsOf(theirs),
                          t("articles.cover.picture"),
                        ) || t("articles.conflict.emptyValue")}
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ))}
          </div>
          <div className="mt-4 flex gap-2">
            <Button
              variant="primary"
              onClick={() => onSettle(choices)}
              data-testid="conflict-apply"
            >
              {t("articles.conflict.apply")}
            </Button>
          </div>
        </div>
      </div>
    </section>
  );
}
