import { Info, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { FieldControl } from "./field-control";
import { fieldLabel } from "./labels";
import type { FieldSpec, FieldValue, FormValues } from "./schema-fields";

/** The template's fields, with samples to start from. */
export function ContentForm({
  specs,
  values,
  onChange,
  onSample,
  errors,
  warnings,
  missingImages,
  onDismissMissing,
}: {
  specs: readonly FieldSpec[];
  values: FormValues;
  onChange: (name: string, value: FieldValue) => void;
  onSample: (language: "en" | "zh") => void;
  errors: Record<string, string[]>;
  warnings: Record<string, string>;
  /** Image fields of a reopened card that need picking again. */
  missingImages: readonly string[];
  onDismissMissing: () => void;
}) {
  const { t, i18n } = useTranslation();
  const list = new Intl.ListFormat(i18n.resolvedLanguage ?? "en", { type: "conjunction" });
  return (
    <Card data-testid="content-form">
      <CardHeader title={t("studio.content.title")} description={t("studio.content.description")} />
      <div className="space-y-4 px-5 py-4">
        <div className="flex flex-wrap items-center gap-2 text-[13px] text-fg-muted">
          <span>{t("studio.content.samples")}</span>
          <Button size="sm" onClick={() => onSample("en")} data-testid="sample-en">
            {t("studio.content.sampleEn")}
          </Button>
          <Button size="sm" onClick={() => onSample("zh")} data-testid="sample-zh">
            {t("studio.content.sampleZh")}
          </Button>
        </div>
        {missingImages.length > 0 ? (
          <div
            className="flex gap-2.5 rounded-lg border border-accent/25 bg-accent-soft px-3 py-2.5 text-[13px] text-fg"
            data-testid="missing-images"
          >
            <Info className="mt-0.5 size-4 shrink-0 text-accent" aria-hidden />
            <p className="flex-1">
              {t("studio.content.missingImages", {
                fields: list.format(missingImages.map((name) => `“${fieldLabel(t, name)}”`)),
              })}
            </p>
            <button
              type="button"
              onClick={onDismissMissing}
              aria-label={t("studio.content.dismiss")}
              className="-m-1 self-start rounded-md p-1 text-fg-subtle hover:bg-muted hover:text-fg"
            >
              <X className="size-4" aria-hidden />
            </button>
          </div>
        ) : null}
        {specs.map((spec) => (
          <FieldControl
            key={spec.name}
            spec={spec}
            value={values[spec.name]}
            onChange={(value) => onChange(spec.name, value)}
            errors={errors[spec.name]}
            warning={warnings[spec.name]}
          />
        ))}
      </div>
    </Card>
  );
}
