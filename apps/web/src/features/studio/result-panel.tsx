import { useMutation } from "@tanstack/react-query";
import { Download, ExternalLink } from "lucide-react";
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { CopyButton } from "../../components/ui/copy-button";
import { Field, Input, inputClass } from "../../components/ui/input";
import { WarningList } from "./card-warnings";
import { FORMATS, SCALES, scaleFits } from "./design";
import type { Scale } from "./design";
import { exportCard, saveFile } from "./export-card";
import { formatBytes } from "./format-bytes";
import { FORMAT_LABELS } from "./output-settings";
import { sameOriginPath } from "./same-origin";
import type { CardInput, CreatedCard, ImageFormat } from "./types";

/** A card just created, with what it was made from (for exports of the same design). */
export interface CreatedResult {
  card: CreatedCard;
  input: CardInput;
  /** The card's size before scaling. */
  dimensions: { width: number; height: number };
  /** The download's default name. */
  filename: string;
}

function ExportForm({ result }: { result: CreatedResult }) {
  const { t } = useTranslation();
  const id = useId();
  const [filename, setFilename] = useState(result.filename);
  const [format, setFormat] = useState<ImageFormat>(result.card.format);
  const [scale, setScale] = useState<Scale>(
    SCALES.find((option) => option === result.input.scale) ?? 1,
  );
  const download = useMutation({
    mutationFn: () =>
      exportCard({
        card: {
          templateId: result.input.templateId,
          fields: result.input.fields,
          size: result.input.size,
          theme: result.input.theme,
          visibility: result.input.visibility,
        },
        format,
        scale: format === "svg" ? 1 : scale,
        filename: filename.trim() || result.filename,
      }),
    onSuccess: (file) => {
      saveFile(file);
      toast.success(t("studio.result.downloaded", { name: file.filename }));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    download.mutate();
  };

  return (
    <form
      onSubmit={submit}
      className="space-y-3"
      aria-labelledby={`${id}-title`}
      data-testid="export-form"
    >
      <div>
        <h3 id={`${id}-title`} className="text-[13px] font-semibold text-fg">
          {t("studio.result.exportTitle")}
        </h3>
        <p className="text-[13px] text-fg-muted">{t("studio.result.exportHint")}</p>
      </div>
      <Field label={t("studio.result.filename")}>
        {({ id: inputId }) => (
          <Input
            id={inputId}
            name="filename"
            value={filename}
            maxLength={120}
            onChange={(event) => setFilename(event.target.value)}
          />
        )}
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("studio.result.format")}>
          {({ id: selectId }) => (
            <select
              id={selectId}
              name="export-format"
              value={format}
              onChange={(event) =>
                setFormat(FORMATS.find((option) => option === event.target.value) ?? "png")
              }
              className={`${inputClass} appearance-auto`}
            >
              {FORMATS.map((option) => (
                <option key={option} value={option}>
                  {FORMAT_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("studio.result.scale")}>
          {({ id: selectId }) => (
            <select
              id={selectId}
              name="export-scale"
              value={format === "svg" ? 1 : scale}
              disabled={format === "svg"}
              onChange={(event) =>
                setScale(SCALES.find((option) => option === Number(event.target.value)) ?? 1)
              }
              className={`${inputClass} appearance-auto`}
            >
              {SCALES.map((option) => (
                <option
                  key={option}
                  value={option}
                  disabled={!scaleFits(result.dimensions, option)}
                >
                  {t("studio.output.scaleOption", { scale: option })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Button
        type="submit"
        className="w-full"
        loading={download.isPending}
        data-testid="export-download"
      >
        {download.isPending ? null : <Download className="size-4" aria-hidden />}
        {download.isPending ? t("studio.result.downloading") : t("studio.result.download")}
      </Button>
    </form>
  );
}

/** The card just created: its image, its URL to share, and downloads in other formats. */
export function ResultPanel({
  result,
  outdated,
}: {
  result: CreatedResult;
  /** The editor no longer shows the design this card was made from. */
  outdated: boolean;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { card } = result;
  return (
    <Card data-testid="result-panel" data-card-id={card.id}>
      <CardHeader
        title={
          <span tabIndex={-1} data-result-heading className="outline-none">
            {t("studio.result.title")}
          </span>
        }
        description={
          <span className="tabular-nums">
            {t("studio.design.dimensions", { width: card.width, height: card.height })} ·{" "}
            {FORMAT_LABELS[card.format]} · {formatBytes(card.bytes, language)}
          </span>
        }
        actions={
          <>
            {outdated ? (
              <span title={t("studio.result.outdatedHint")} data-testid="result-outdated">
                <Badge tone="warning">{t("studio.result.outdated")}</Badge>
                <span className="sr-only">{t("studio.result.outdatedHint")}</span>
              </span>
            ) : null}
            {card.cached ? <Badge>{t("studio.result.cached")}</Badge> : null}
            <Badge tone={card.visibility === "public" ? "accent" : "neutral"}>
              {card.visibility === "public"
                ? t("studio.output.public")
                : t("studio.output.private")}
            </Badge>
          </>
        }
      />
      <div className="space-y-4 px-5 py-4">
        <div className="overflow-hidden rounded-md bg-subtle ring-1 ring-line">
          <img
            src={sameOriginPath(card.url)}
            alt={t("studio.result.alt")}
            width={card.width}
            height={card.height}
            className="mx-auto block h-auto max-h-80 w-auto max-w-full"
            data-testid="result-image"
          />
        </div>
        <Field label={t("studio.result.url")}>
          {({ id }) => (
            <div className="space-y-2">
              <input
                id={id}
                readOnly
                value={card.url}
                onFocus={(event) => event.currentTarget.select()}
                className={`${inputClass} font-mono text-xs`}
                data-testid="result-url"
              />
              <div className="flex flex-wrap gap-2">
                <CopyButton
                  value={card.url}
                  label={t("studio.result.copyUrl")}
                  className="h-9"
                  data-testid="copy-url"
                />
                <a
                  href={card.url}
                  target="_blank"
                  rel="noreferrer"
                  aria-label={t("studio.result.openLabel")}
                  className="inline-flex h-9 shrink-0 items-center gap-2 rounded-lg border border-line bg-surface px-3.5 text-sm font-medium text-fg shadow-xs hover:border-line-strong hover:bg-subtle"
                >
                  <ExternalLink className="size-4" aria-hidden />
                  {t("studio.result.open")}
                </a>
              </div>
            </div>
          )}
        </Field>
        <WarningList warnings={card.warnings} testId="result-warnings" />
      </div>
      <div className="border-t border-line bg-subtle/60 px-5 py-4">
        <ExportForm key={card.id} result={result} />
      </div>
    </Card>
  );
}
