import { ChevronRight, Dices, Sparkles, X } from "lucide-react";
import type { TFunction } from "i18next";
import type { FormEvent, KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";

import { FormFailureAlert, useSecondsUntil } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { Field, Input, inputClass } from "../../components/ui/input";
import type { ApiFailure } from "../../lib/errors";
import { cx } from "../../lib/cx";
import {
  IMAGE_COUNTS,
  IMAGE_MAX_NEGATIVE_PROMPT,
  IMAGE_MAX_PROMPT,
  IMAGE_MAX_SEED,
  IMAGE_SIDE,
  IMAGE_SIZE_PRESETS,
  IMAGE_SIZE_PRESET_IDS,
  imageIssuesOf,
  randomSeed,
} from "./ai-image-request";
import type { ImageDraft, ImageIssues } from "./ai-image-request";
import { Segmented } from "./segmented";

function sideError(t: TFunction, issue: ImageIssues["width"]) {
  if (issue === "notInteger") return [t("studio.design.sideNotInteger")];
  if (issue === "outOfRange") return [t("studio.design.sideOutOfRange", IMAGE_SIDE)];
  return undefined;
}

/** Prompt, size, count, seed and negative prompt of an AI image request, and its button. */
export function AiImageForm({
  draft,
  onChange,
  onSubmit,
  disabled,
  submitting,
  failure,
  failureIssues,
  retryAt,
}: {
  draft: ImageDraft;
  onChange: (draft: ImageDraft) => void;
  onSubmit: () => void;
  /** No provider (or not known yet): the form is shown but cannot be sent. */
  disabled: boolean;
  submitting: boolean;
  failure: ApiFailure | null;
  /** The server's messages about the input, under the failure. */
  failureIssues: string[];
  retryAt: number | null;
}) {
  const { t } = useTranslation();
  const secondsLeft = useSecondsUntil(retryAt);
  const issues = imageIssuesOf(draft);
  // A prompt left empty is not an error until someone tries to send it.
  const shownIssues = { ...issues, ...(issues.prompt === "required" ? { prompt: undefined } : {}) };
  const blocked = Object.keys(issues).length > 0;
  const custom = draft.size.kind === "custom" ? draft.size : null;
  const start =
    draft.size.kind === "preset"
      ? IMAGE_SIZE_PRESETS[draft.size.preset]
      : { width: draft.size.width, height: draft.size.height };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!blocked && !disabled) onSubmit();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!blocked && !disabled && !submitting) onSubmit();
    }
  };

  return (
    <Card>
      <CardHeader title={t("studio.ai.formTitle")} description={t("studio.ai.formHint")} />
      <form onSubmit={submit} onKeyDown={onKeyDown} data-testid="ai-image-form" noValidate>
        <fieldset disabled={disabled} className="min-w-0 space-y-5 px-5 py-4 disabled:opacity-60">
          <Field
            label={t("studio.ai.prompt")}
            hint={t("studio.ai.promptHint")}
            errors={
              shownIssues.prompt
                ? [t("studio.ai.promptTooLong", { max: IMAGE_MAX_PROMPT })]
                : undefined
            }
            aside={
              <span className="text-xs text-fg-subtle tabular-nums">
                {t("studio.content.count", { count: draft.prompt.length, max: IMAGE_MAX_PROMPT })}
              </span>
            }
          >
            {({ id, invalid, describedBy }) => (
              <textarea
                id={id}
                name="prompt"
                rows={4}
                value={draft.prompt}
                onChange={(event) => onChange({ ...draft, prompt: event.target.value })}
                placeholder={t("studio.ai.promptPlaceholder")}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                className={cx(inputClass, "h-auto resize-y py-2 leading-relaxed")}
                data-testid="ai-prompt"
              />
            )}
          </Field>

          <div className="space-y-3">
            <Segmented
              name="image-size"
              legend={t("studio.ai.size")}
              value={draft.size.kind === "preset" ? draft.size.preset : "custom"}
              onChange={(choice) =>
                onChange({
                  ...draft,
                  size:
                    choice === "custom"
                      ? { kind: "custom", width: String(start.width), height: String(start.height) }
                      : { kind: "preset", preset: choice },
                })
              }
              options={[
                ...IMAGE_SIZE_PRESET_IDS.map((preset) => ({
                  value: preset,
                  label: t(`studio.ai.sizes.${preset}`),
                  detail: t("studio.design.dimensions", IMAGE_SIZE_PRESETS[preset]),
                })),
                {
                  value: "custom" as const,
                  label: t("studio.design.sizes.custom"),
                  detail: "W × H",
                },
              ]}
              testId="ai-size"
            />
            {custom ? (
              <div className="grid grid-cols-2 gap-3" data-testid="ai-custom-size">
                {(["width", "height"] as const).map((side) => (
                  <Field
                    key={side}
                    label={t(`studio.design.${side}`)}
                    hint={t("studio.design.sideHint", IMAGE_SIDE)}
                    errors={sideError(t, issues[side])}
                  >
                    {({ id, invalid, describedBy }) => (
                      <Input
                        id={id}
                        name={`image-${side}`}
                        type="number"
                        inputMode="numeric"
                        min={IMAGE_SIDE.min}
                        max={IMAGE_SIDE.max}
                        step={1}
                        value={custom[side]}
                        onChange={(event) =>
                          onChange({ ...draft, size: { ...custom, [side]: event.target.value } })
                        }
                        aria-invalid={invalid || undefined}
                        aria-describedby={describedBy}
                      />
                    )}
                  </Field>
                ))}
              </div>
            ) : null}
            <p className="text-xs text-fg-subtle">{t("studio.ai.sizeHint")}</p>
          </div>

          <Segmented
            name="image-count"
            legend={t("studio.ai.count")}
            value={String(draft.count) as `${(typeof IMAGE_COUNTS)[number]}`}
            onChange={(value) =>
              onChange({
                ...draft,
                count: IMAGE_COUNTS.find((count) => String(count) === value) ?? 1,
              })
            }
            options={IMAGE_COUNTS.map((count) => ({
              value: String(count) as `${typeof count}`,
              label: String(count),
            }))}
            testId="ai-count"
          />

          <Field
            label={t("studio.ai.seed")}
            hint={t("studio.ai.seedHint")}
            errors={issues.seed ? [t("studio.ai.seedInvalid", { max: IMAGE_MAX_SEED })] : undefined}
          >
            {({ id, invalid, describedBy }) => (
              <div className="flex gap-2">
                <Input
                  id={id}
                  name="seed"
                  inputMode="numeric"
                  value={draft.seed}
                  placeholder={t("studio.ai.seedPlaceholder")}
                  onChange={(event) => onChange({ ...draft, seed: event.target.value })}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  className="font-mono tabular-nums"
                  data-testid="ai-seed"
                />
                <Button
                  size="icon"
                  className="size-9"
                  onClick={() => onChange({ ...draft, seed: String(randomSeed()) })}
                  aria-label={t("studio.ai.randomSeed")}
                  title={t("studio.ai.randomSeed")}
                  data-testid="ai-random-seed"
                >
                  <Dices className="size-4" aria-hidden />
                </Button>
                {draft.seed !== "" ? (
                  <Button
                    size="icon"
                    variant="ghost"
                    className="size-9"
                    onClick={() => onChange({ ...draft, seed: "" })}
                    aria-label={t("studio.ai.clearSeed")}
                    title={t("studio.ai.clearSeed")}
                  >
                    <X className="size-4" aria-hidden />
                  </Button>
                ) : null}
              </div>
            )}
          </Field>

          <details className="group rounded-lg border border-line">
            <summary className="flex cursor-pointer list-none items-center gap-1.5 px-3 py-2 text-[13px] font-medium text-fg select-none [&::-webkit-details-marker]:hidden">
              <ChevronRight
                className="size-4 text-fg-subtle transition-transform group-open:rotate-90"
                aria-hidden
              />
              {t("studio.ai.advanced")}
            </summary>
            <div className="border-t border-line px-3 py-3">
              <Field
                label={t("studio.ai.negativePrompt")}
                hint={t("studio.ai.negativePromptHint")}
                errors={
                  issues.negativePrompt
                    ? [t("studio.ai.negativeTooLong", { max: IMAGE_MAX_NEGATIVE_PROMPT })]
                    : undefined
                }
              >
                {({ id, invalid, describedBy }) => (
                  <textarea
                    id={id}
                    name="negativePrompt"
                    rows={2}
                    value={draft.negativePrompt}
                    onChange={(event) => onChange({ ...draft, negativePrompt: event.target.value })}
                    placeholder={t("studio.ai.negativePlaceholder")}
                    aria-invalid={invalid || undefined}
                    aria-describedby={describedBy}
                    className={cx(inputClass, "h-auto resize-y py-2")}
                    data-testid="ai-negative"
                  />
                )}
              </Field>
            </div>
          </details>
        </fieldset>
        <div className="space-y-3 border-t border-line bg-subtle/60 px-5 py-4">
          {failure ? (
            <div data-testid="ai-failure">
              <FormFailureAlert
                failure={failure}
                secondsLeft={secondsLeft}
                issues={failureIssues}
              />
            </div>
          ) : null}
          <Button
            type="submit"
            variant="primary"
            size="lg"
            className="w-full"
            loading={submitting}
            disabled={disabled || blocked || submitting || secondsLeft > 0}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            data-testid="ai-generate"
          >
            {submitting ? null : <Sparkles className="size-4" aria-hidden />}
            {submitting
              ? t("studio.ai.generating")
              : t("studio.ai.generate", { count: draft.count })}
          </Button>
        </div>
      </form>
    </Card>
  );
}
