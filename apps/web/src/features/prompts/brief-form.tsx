import { Plus, X } from "lucide-react";
import { useId, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import type { BriefDraft } from "./brief";
import { incompleteExamples } from "./brief";

/** The server's limits for a brief. */
const MAX_LINE = 2_000;
const MAX_RULES = 30;
const MAX_EXAMPLES = 10;
const MAX_EXAMPLE_SIDE = 4_000;

const textareaClass = cx(
  inputClass,
  "field-sizing-content h-auto max-h-60 min-h-16 resize-y py-2 leading-6",
);

type Change = (update: (brief: BriefDraft) => BriefDraft) => void;

function TextField({
  label,
  hint,
  value,
  multiline,
  placeholder,
  testId,
  onChange,
}: {
  label: string;
  hint?: string;
  value: string;
  multiline?: boolean;
  placeholder: string;
  testId: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-[13px] font-medium text-fg">
        {label}
      </label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          rows={2}
          maxLength={MAX_LINE}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
          className={textareaClass}
          data-testid={testId}
        />
      ) : (
        <input
          id={id}
          value={value}
          maxLength={MAX_LINE}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
          className={inputClass}
          data-testid={testId}
        />
      )}
      {hint ? <p className="text-xs text-fg-subtle">{hint}</p> : null}
    </div>
  );
}

/** A labelled list of rows with an Add button under it. */
function ListField({
  label,
  hint,
  addLabel,
  canAdd,
  addTestId,
  onAdd,
  children,
}: {
  label: string;
  hint: string;
  addLabel: string;
  canAdd: boolean;
  addTestId: string;
  onAdd: () => void;
  children: ReactNode[];
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-[13px] font-medium text-fg">{label}</legend>
      <p className="-mt-1 text-xs text-fg-subtle">{hint}</p>
      {children.length > 0 ? <ol className="space-y-2">{children}</ol> : null}
      <Button
        size="sm"
        variant="ghost"
        className="-ml-2.5"
        disabled={!canAdd}
        onClick={onAdd}
        data-testid={addTestId}
      >
        <Plus className="size-4" aria-hidden />
        {addLabel}
      </Button>
    </fieldset>
  );
}

function RemoveButton({
  label,
  testId,
  onClick,
}: {
  label: string;
  testId: string;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      className="inline-flex size-8 shrink-0 items-center justify-center rounded-md text-fg-subtle hover:bg-muted hover:text-danger"
      data-testid={testId}
    >
      <X className="size-4" aria-hidden />
    </button>
  );
}

/**
 * What the prompt is for, field by field: who the assistant is, its goal, the audience, rules,
 * tone, the shape of its answers and examples. Every field is optional but one; the prompt is
 * composed from them as you type.
 */
export function BriefForm({ brief, onChange }: { brief: BriefDraft; onChange: Change }) {
  const { t } = useTranslation();
  // The row added last gets the focus (not rows that come with a loaded prompt).
  const [added, setAdded] = useState<{ list: "rules" | "examples"; index: number } | null>(null);
  const set = (key: "role" | "goal" | "audience" | "tone" | "outputFormat") => (value: string) =>
    onChange((current) => ({ ...current, [key]: value }));
  const incomplete = incompleteExamples(brief);

  return (
    <Card data-testid="prompt-brief">
      <CardHeader title={t("prompts.brief.title")} description={t("prompts.brief.description")} />
      <div className="space-y-5 px-5 py-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label={t("prompts.brief.role")}
            placeholder={t("prompts.brief.rolePlaceholder")}
            value={brief.role}
            onChange={set("role")}
            testId="prompt-brief-role"
          />
          <TextField
            label={t("prompts.brief.audience")}
            placeholder={t("prompts.brief.audiencePlaceholder")}
            value={brief.audience}
            onChange={set("audience")}
            testId="prompt-brief-audience"
          />
        </div>
        <TextField
          label={t("prompts.brief.goal")}
          placeholder={t("prompts.brief.goalPlaceholder")}
          value={brief.goal}
          multiline
          onChange={set("goal")}
          testId="prompt-brief-goal"
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label={t("prompts.brief.tone")}
            placeholder={t("prompts.brief.tonePlaceholder")}
            value={brief.tone}
            onChange={set("tone")}
            testId="prompt-brief-tone"
          />
          <TextField
            label={t("prompts.brief.outputFormat")}
            placeholder={t("prompts.brief.outputFormatPlaceholder")}
            value={brief.outputFormat}
            onChange={set("outputFormat")}
            testId="prompt-brief-format"
          />
        </div>

        <ListField
          label={t("prompts.brief.rules")}
          hint={t("prompts.brief.rulesHint")}
          addLabel={t("prompts.brief.addRule")}
          canAdd={brief.constraints.length < MAX_RULES}
          addTestId="prompt-rule-add"
          onAdd={() => {
            setAdded({ list: "rules", index: brief.constraints.length });
            onChange((current) => ({ ...current, constraints: [...current.constraints, ""] }));
          }}
        >
          {brief.constraints.map((rule, index) => (
            <li key={index} className="flex items-center gap-1.5" data-testid="prompt-rule">
              <span className="w-5 shrink-0 text-right text-xs text-fg-subtle tabular-nums">
                {index + 1}.
              </span>
              <input
                value={rule}
                maxLength={MAX_LINE}
                autoFocus={added?.list === "rules" && added.index === index}
                aria-label={t("prompts.brief.ruleLabel", { number: index + 1 })}
                placeholder={t("prompts.brief.rulePlaceholder")}
                onChange={(event) => {
                  const value = event.target.value;
                  onChange((current) => ({
                    ...current,
                    constraints: current.constraints.map((old, i) => (i === index ? value : old)),
                  }));
                }}
                className={cx(inputClass, "h-8 text-[13px]")}
                data-testid="prompt-rule-input"
              />
              <RemoveButton
                label={t("prompts.brief.removeRule", { number: index + 1 })}
                testId="prompt-rule-remove"
                onClick={() => {
                  setAdded(null);
                  onChange((current) => ({
                    ...current,
                    constraints: current.constraints.filter((_, i) => i !== index),
                  }));
                }}
              />
            </li>
          ))}
        </ListField>

        <ListField
          label={t("prompts.brief.examples")}
          hint={t("prompts.brief.examplesHint")}
          addLabel={t("prompts.brief.addExample")}
          canAdd={brief.examples.length < MAX_EXAMPLES}
          addTestId="prompt-example-add"
          onAdd={() => {
            setAdded({ list: "examples", index: brief.examples.length });
            onChange((current) => ({
              ...current,
              examples: [...current.examples, { input: "", output: "" }],
            }));
          }}
        >
          {brief.examples.map((example, index) => {
            const update = (side: "input" | "output", value: string) =>
              onChange((current) => ({
                ...current,
                examples: current.examples.map((old, i) =>
                  i === index ? { ...old, [side]: value } : old,
                ),
              }));
            return (
              <li
                key={index}
                className="rounded-lg border border-line bg-subtle/60 p-2.5"
                data-testid="prompt-example"
              >
                <div className="mb-1.5 flex items-center justify-between gap-2">
                  <span className="text-xs font-medium text-fg-muted">
                    {t("prompts.brief.exampleNumber", { number: index + 1 })}
                  </span>
                  <RemoveButton
                    label={t("prompts.brief.removeExample", { number: index + 1 })}
                    testId="prompt-example-remove"
                    onClick={() => {
                      setAdded(null);
                      onChange((current) => ({
                        ...current,
                        examples: current.examples.filter((_, i) => i !== index),
                      }));
                    }}
                  />
                </div>
                <div className="grid gap-2 sm:grid-cols-2">
                  <textarea
                    value={example.input}
                    rows={2}
                    maxLength={MAX_EXAMPLE_SIDE}
                    autoFocus={added?.list === "examples" && added.index === index}
                    aria-label={t("prompts.brief.exampleInput", { number: index + 1 })}
                    placeholder={t("prompts.brief.exampleInputPlaceholder")}
                    onChange={(event) => update("input", event.target.value)}
                    className={cx(textareaClass, "text-[13px]")}
                    data-testid="prompt-example-input"
                  />
                  <textarea
                    value={example.output}
                    rows={2}
                    maxLength={MAX_EXAMPLE_SIDE}
                    aria-label={t("prompts.brief.exampleOutput", { number: index + 1 })}
                    placeholder={t("prompts.brief.exampleOutputPlaceholder")}
                    onChange={(event) => update("output", event.target.value)}
                    className={cx(textareaClass, "text-[13px]")}
                    data-testid="prompt-example-output"
                  />
                </div>
              </li>
            );
          })}
        </ListField>
        {incomplete > 0 ? (
          <p className="-mt-3 text-xs text-warning" data-testid="prompt-example-incomplete">
            {t("prompts.brief.exampleIncomplete", { count: incomplete })}
          </p>
        ) : null}
      </div>
    </Card>
  );
}
