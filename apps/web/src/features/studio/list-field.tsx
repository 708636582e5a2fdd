import { Plus, X } from "lucide-react";
import type { ReactNode } from "react";
import { useId } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { FieldErrorList } from "../../components/ui/field-errors";
import { Input } from "../../components/ui/input";
import { fieldLabel } from "./labels";
import { emptyRow } from "./schema-fields";
import type { FieldSpec, ListRow } from "./schema-fields";

/** A list of small records (e.g. stats: value and label), one row of inputs each. */
export function ListField({
  spec,
  label,
  rows,
  onChange,
  errors,
  hint,
}: {
  spec: Extract<FieldSpec, { kind: "list" }>;
  label: string;
  rows: ListRow[];
  onChange: (rows: ListRow[]) => void;
  errors: string[] | undefined;
  hint: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const messageId = `${id}-message`;
  const invalid = (errors?.length ?? 0) > 0;
  const full = spec.maxItems !== undefined && rows.length >= spec.maxItems;
  const update = (index: number, key: string, value: string) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [key]: value } : row)));

  return (
    <fieldset
      className="min-w-0 space-y-1.5"
      aria-describedby={invalid || hint ? messageId : undefined}
      data-testid={`list-field-${spec.name}`}
    >
      <legend className="mb-1.5 flex w-full items-center justify-between gap-2 text-[13px] font-medium text-fg">
        {label}
        {spec.maxItems !== undefined ? (
          <span className="text-xs font-normal text-fg-subtle">
            {t("studio.list.limit", { count: spec.maxItems })}
          </span>
        ) : null}
      </legend>
      {rows.length === 0 ? (
        <p className="text-[13px] text-fg-subtle">{t("studio.list.empty")}</p>
      ) : (
        <ol className="space-y-2">
          {rows.map((row, index) => {
            const rowName = t("studio.list.row", { name: label, index: index + 1 });
            return (
              <li key={index} className="flex items-center gap-2">
                <span
                  className="w-4 shrink-0 text-right text-xs text-fg-subtle tabular-nums"
                  aria-hidden
                >
                  {index + 1}
                </span>
                {spec.items.map((item) => (
                  <Input
                    key={item.name}
                    name={`${spec.name}.${index}.${item.name}`}
                    aria-label={`${rowName}: ${fieldLabel(t, item.name)}`}
                    placeholder={fieldLabel(t, item.name)}
                    type={item.kind === "number" ? "number" : "text"}
                    maxLength={item.kind === "text" ? item.maxLength : undefined}
                    value={row[item.name] ?? ""}
                    onChange={(event) => update(index, item.name, event.target.value)}
                    aria-invalid={invalid || undefined}
                    className="min-w-0 flex-1"
                  />
                ))}
                <Button
                  size="icon"
                  variant="ghost"
                  onClick={() => onChange(rows.filter((_, i) => i !== index))}
                  aria-label={t("studio.list.remove", { index: index + 1 })}
                >
                  <X className="size-4" aria-hidden />
                </Button>
              </li>
            );
          })}
        </ol>
      )}
      <Button size="sm" onClick={() => onChange([...rows, emptyRow(spec)])} disabled={full}>
        <Plus className="size-4" aria-hidden />
        {t("studio.list.add")}
      </Button>
      {invalid ? (
        <FieldErrorList id={messageId} errors={errors ?? []} />
      ) : hint ? (
        <p id={messageId} className="text-[13px]">
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}
