import { ImageOff, RefreshCw } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { Skeleton } from "../../components/ui/skeleton";
import { Spinner } from "../../components/ui/spinner";
import { failureMessage } from "../errors/notify-error";
import { cx } from "../../lib/cx";
import type { CardIssues } from "./card-issues";
import { WarningList } from "./card-warnings";
import { SvgImage } from "./svg-image";
import type { LivePreview } from "./use-live-preview";

/**
 * The card as it will look, re-rendered a moment after each change. The last good picture stays
 * while the next one renders or when a change cannot be rendered.
 */
export function PreviewPanel({
  live,
  issues,
  sizeValid,
  aspect,
}: {
  live: LivePreview;
  issues: CardIssues;
  /** False while a custom size is not valid (nothing is sent). */
  sizeValid: boolean;
  /** The card's shape before the first preview arrives. */
  aspect: { width: number; height: number };
}) {
  const { t } = useTranslation();
  const { preview, busy, error } = live;
  const shape = preview ?? aspect;
  const fieldProblem =
    error !== null &&
    (Object.keys(issues.fields).length > 0 || Object.keys(issues.settings).length > 0);

  return (
    <Card className="overflow-hidden" data-testid="preview-panel">
      <CardHeader
        title={t("studio.preview.title")}
        description={
          preview
            ? t("studio.design.dimensions", { width: preview.width, height: preview.height })
            : null
        }
        actions={
          <span
            data-testid="preview-status"
            data-busy={busy}
            className={cx(
              "inline-flex items-center gap-1.5 text-xs text-fg-muted transition-opacity",
              busy ? "opacity-100" : "opacity-0",
            )}
          >
            {busy ? (
              <>
                <Spinner className="size-3.5" />
                {t("studio.preview.rendering")}
              </>
            ) : null}
          </span>
        }
      />
      <div
        aria-busy={busy}
        className="bg-[radial-gradient(var(--line)_1px,transparent_1px)] bg-size-[14px_14px] bg-subtle/50 p-4 sm:p-6"
      >
        {preview ? (
          <SvgImage
            svg={preview.svg}
            alt={t("studio.preview.alt")}
            width={preview.width}
            height={preview.height}
            data-testid="studio-preview"
            data-preview-key={preview.key}
            data-template-id={preview.templateId}
            style={{ aspectRatio: `${preview.width} / ${preview.height}` }}
            className={cx(
              "mx-auto block h-auto max-h-[62vh] w-auto max-w-full rounded-md bg-surface shadow-lg shadow-black/10 ring-1 ring-black/5 transition-opacity duration-200",
              busy && "opacity-85",
            )}
          />
        ) : (
          <div
            className={cx(
              "mx-auto flex max-w-full items-center justify-center",
              shape.height > shape.width ? "h-[62vh] w-auto" : "h-auto max-h-[62vh] w-full",
            )}
            style={{ aspectRatio: `${shape.width} / ${shape.height}` }}
          >
            {error !== null && !busy ? (
              <div className="flex size-full items-center justify-center rounded-md border border-dashed border-line-strong text-fg-subtle">
                <ImageOff className="size-6" aria-hidden />
              </div>
            ) : (
              <Skeleton className="size-full rounded-md" />
            )}
          </div>
        )}
      </div>
      {/* Warnings are about the picture on show; while the design cannot be rendered, they are not. */}
      {!sizeValid || error !== null || (preview && preview.warnings.length > 0) ? (
        <div className="space-y-3 border-t border-line px-5 py-4">
          {!sizeValid ? (
            <Alert tone="warning" title={t("studio.preview.invalidSize")} />
          ) : error !== null ? (
            fieldProblem ? (
              <Alert tone="danger" title={t("studio.preview.fixFields")} />
            ) : (
              <div data-testid="preview-error">
                <Alert
                  tone="danger"
                  title={
                    issues.failure ? failureMessage(issues.failure) : t("studio.preview.failed")
                  }
                >
                  <p>{t("studio.preview.failed")}</p>
                  {issues.failure?.requestId ? (
                    <p className="mt-1 font-mono text-xs opacity-75">
                      {t("errors.requestId", { id: issues.failure.requestId })}
                    </p>
                  ) : null}
                  <Button size="sm" className="mt-2" onClick={live.retry}>
                    <RefreshCw className="size-3.5" aria-hidden />
                    {t("studio.preview.retry")}
                  </Button>
                </Alert>
              </div>
            )
          ) : null}
          {preview && sizeValid && error === null ? (
            <WarningList warnings={preview.warnings} testId="preview-warnings" />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
