import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Field, Input, inputClass } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import { ImageField } from "./image-field";
import { fieldLabel } from "./labels";
import { ListField } from "./list-field";
import { isImageValue } from "./schema-fields";
import type { FieldSpec, FieldValue } from "./schema-fields";

/** A multi-line box in the look of the single-line inputs. */
export const textareaClass = cx(
  inputClass.replace(/\bh-9\b/, ""),
  "min-h-24 resize-y py-2 leading-relaxed",
);

/** Character count against the limit, coloured as the limit nears. */
function Counter({ length, max }: { length: number; max: number }) {
  const { t } = useTranslation();
  const near = length > max * 0.9;
  return (
    <span
      aria-hidden
      className={cx(
        "text-xs tabular-nums",
        length > max ? "text-danger" : near ? "text-warning" : "text-fg-subtle",
      )}
    >
      {t("studio.content.count", { count: length, max })}
    </span>
  );
}

/** One template field, drawn by its kind; errors and warnings sit under it. */
export function FieldControl({
  spec,
  value,
  onChange,
  errors,
  warning,
}: {
  spec: FieldSpec;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  errors: string[] | undefined;
  /** What the last render said about this field (missing characters, cut text). */
  warning: ReactNode;
}) {
  const { t } = useTranslation();
  const label = fieldLabel(t, spec.name);
  const optional = spec.required ? null : (
    <span className="text-xs text-fg-subtle">{t("studio.content.optional")}</span>
  );
  const hint = warning ? (
    <span className="text-warning" data-testid={`field-warning-${spec.name}`}>
      {warning}
    </span>
  ) : undefined;

  switch (spec.kind) {
    case "text": {
      const text = typeof value === "string" ? value : "";
      const aside =
        spec.maxLength !== undefined ? (
          <span className="flex items-center gap-2">
            {optional}
            <Counter length={Array.from(text).length} max={spec.maxLength} />
          </span>
        ) : (
          optional
        );
      return (
        <Field label={label} errors={errors} hint={hint} aside={aside}>
          {({ id, invalid, describedBy }) =>
            spec.multiline ? (
              <textarea
                id={id}
                name={spec.name}
                value={text}
                rows={3}
                maxLength={spec.maxLength}
                onChange={(event) => onChange(event.target.value)}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                aria-required={spec.required || undefined}
                className={textareaClass}
              />
            ) : (
              <Input
                id={id}
                name={spec.name}
                value={text}
                maxLength={spec.maxLength}
                onChange={(event) => onChange(event.target.value)}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                aria-required={spec.required || undefined}
              />
            )
          }
        </Field>
      );
    }
    case "number": {
      const range =
        spec.minimum !== undefined && spec.maximum !== undefined
          ? t("studio.content.numberRange", { min: spec.minimum, max: spec.maximum })
          : undefined;
      return (
        <Field label={label} errors={errors} hint={hint ?? range} aside={optional}>
          {({ id, invalid, describedBy }) => (
            <Input
              id={id}
              name={spec.name}
              type="number"
              inputMode={spec.integer ? "numeric" : "decimal"}
              step={spec.integer ? 1 : "any"}
              min={spec.minimum}
              max={spec.maximum}
              value={typeof value === "string" ? value : ""}
              onChange={(event) => onChange(event.target.value)}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              className="max-w-40"
            />
          )}
        </Field>
      );
    }
    case "choice":
      return (
        <Field label={label} errors={errors} hint={hint} aside={optional}>
          {({ id, invalid, describedBy }) => (
            <select
              id={id}
              name={spec.name}
              value={typeof value === "string" ? value : ""}
              onChange={(event) => onChange(event.target.value)}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              className={`${inputClass} appearance-auto`}
            >
              {spec.required ? null : <option value="">{t("studio.content.choose")}</option>}
              {spec.options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case "boolean":
      return (
        <Field label={label} errors={errors} hint={hint}>
          {({ id, describedBy }) => (
            <label className="inline-flex items-center gap-2 text-sm text-fg">
              <input
                id={id}
                type="checkbox"
                checked={value === true}
                onChange={(event) => onChange(event.target.checked)}
                aria-describedby={describedBy}
                className="size-4 accent-accent"
              />
              {t("studio.content.yes")}
            </label>
          )}
        </Field>
      );
    case "image":
      return (
        <ImageField
          name={spec.name}
          label={label}
          optional={optional}
          value={isImageValue(value) ? value : null}
          onChange={onChange}
          errors={errors}
          hint={hint}
        />
      );
    case "list":
      return (
        <ListField
          spec={spec}
          label={label}
          rows={Array.isArray(value) ? value : []}
          onChange={onChange}
          errors={errors}
          hint={hint}
        />
      );
    case "other":
      return (
        <div className="space-y-1">
          <p className="text-[13px] font-medium text-fg">{label}</p>
          <p className="text-[13px] text-fg-subtle">{t("studio.content.kept")}</p>
        </div>
      );
  }
}
