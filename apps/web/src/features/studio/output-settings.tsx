import { Boxes, Globe, Lock, Sparkles } from "lucide-react";
import { useTranslation } from "react-i18next";

import { FormFailureAlert, useSecondsUntil } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import type { ApiFailure } from "../../lib/errors";
import { FORMATS, SCALES, dimensionsOf, effectiveScale, scaleFits } from "./design";
import type { Design, Scale } from "./design";
import { Segmented } from "./segmented";
import { FORMAT_LABELS } from "./format-labels";
import type { ImageFormat, Visibility } from "./types";

export { FORMAT_LABELS } from "./format-labels";

/** Format, scale and visibility of the card, and the button that creates it. */
export function OutputSettings({
  design,
  onFormat,
  onScale,
  onVisibility,
  onCreate,
  onBatch,
  creating,
  canCreate,
  failure,
  retryAt,
  scaleErrors,
}: {
  design: Design;
  onFormat: (format: ImageFormat) => void;
  onScale: (scale: Scale) => void;
  onVisibility: (visibility: Visibility) => void;
  onCreate: () => void;
  /** Opens the batch dialog: many cards of this design from rows of data. */
  onBatch: () => void;
  creating: boolean;
  canCreate: boolean;
  failure: ApiFailure | null;
  retryAt: number | null;
  scaleErrors: string[] | undefined;
}) {
  const { t } = useTranslation();
  const secondsLeft = useSecondsUntil(retryAt);
  const dimensions = dimensionsOf(design.size);
  const svg = design.format === "svg";
  const scale = effectiveScale(design);
  const limited = dimensions !== null && !svg && SCALES.some((s) => !scaleFits(dimensions, s));
  const scaleHint = svg
    ? t("studio.output.svgScale")
    : dimensions
      ? [
          t("studio.output.outputSize", {
            width: Math.round(dimensions.width * scale),
            height: Math.round(dimensions.height * scale),
          }),
          limited ? t("studio.output.scaleLimited") : null,
        ]
          .filter(Boolean)
          .join(" ")
      : undefined;

  return (
    <Card>
      <CardHeader title={t("studio.output.title")} />
      <div className="space-y-5 px-5 py-4">
        <Segmented
          name="format"
          legend={t("studio.output.format")}
          value={design.format}
          onChange={onFormat}
          options={FORMATS.map((format) => ({ value: format, label: FORMAT_LABELS[format] }))}
          testId="format-choice"
        />
        <Segmented
          name="scale"
          legend={t("studio.output.scale")}
          value={String(scale) as `${Scale}`}
          onChange={(value) => onScale(Number(value) as Scale)}
          options={SCALES.map((option) => ({
            value: String(option) as `${Scale}`,
            label: t("studio.output.scaleOption", { scale: option }),
            disabled: svg || (dimensions !== null && !scaleFits(dimensions, option)),
          }))}
          hint={scaleHint}
          errors={scaleErrors}
          testId="scale-choice"
        />
        <Segmented
          name="visibility"
          legend={t("studio.output.visibility")}
          value={design.visibility}
          onChange={onVisibility}
          options={[
            {
              value: "private",
              label: t("studio.output.private"),
              detail: t("studio.output.privateHint"),
              icon: <Lock className="size-4 shrink-0 text-fg-muted" aria-hidden />,
            },
            {
              value: "public",
              label: t("studio.output.public"),
              detail: t("studio.output.publicHint"),
              icon: <Globe className="size-4 shrink-0 text-fg-muted" aria-hidden />,
            },
          ]}
          testId="visibility-choice"
        />
      </div>
      <div className="space-y-3 border-t border-line bg-subtle/60 px-5 py-4">
        {failure ? <FormFailureAlert failure={failure} secondsLeft={secondsLeft} /> : null}
        <div className="flex gap-2">
          <Button
            variant="primary"
            size="lg"
            className="min-w-0 flex-1"
            onClick={onCreate}
            loading={creating}
            disabled={creating || !canCreate || secondsLeft > 0}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            data-testid="create-card"
          >
            {creating ? null : <Sparkles className="size-4" aria-hidden />}
            {creating ? t("studio.output.creating") : t("studio.output.create")}
          </Button>
          <Button
            size="lg"
            onClick={onBatch}
            disabled={!canCreate}
            title={t("studio.batch.openHint")}
            data-testid="open-batch"
          >
            <Boxes className="size-4" aria-hidden />
            {t("studio.batch.open")}
          </Button>
        </div>
        <p className="text-center text-xs text-fg-subtle">{t("studio.output.createHint")}</p>
      </div>
    </Card>
  );
}
