import { Download, RotateCw, SquareDashed } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Alert } from "../../components/ui/alert";
import { Button, buttonClass } from "../../components/ui/button";
import { Spinner } from "../../components/ui/spinner";
import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { failureMessage } from "../errors/notify-error";
import { formatBytes } from "../studio/format-bytes";
import { downloadHref, downloadName, maskOptionsOf } from "./cutout-options";
import type { CutoutSettings } from "./cutout-options";
import type { CutoutItem } from "./types";
import type { ComposedOutput } from "./use-composed-output";

/** Starts a download of a same-origin file the server sends as an attachment. */
function saveFrom(href: string, name: string) {
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * The file the settings make, to download once the server has it (it is made in a moment after
 * each change), and the mask (cropped like the image), made on request.
 */
export function CutoutDownloads({
  cutout,
  settings,
  composed,
  onCutout,
}: {
  cutout: CutoutItem;
  settings: CutoutSettings;
  composed: ComposedOutput;
  onCutout: (cutout: CutoutItem) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { output } = composed;
  const mask = trpc.cutout.compose.useMutation({
    onSuccess: (result) => {
      onCutout(result.cutout);
      const name = downloadName(cutout.fileName, "mask", "png");
      saveFrom(downloadHref(result.output.url, name), name);
    },
  });
  const name = downloadName(cutout.fileName, "image", settings.format);
  const failure = composed.error ? readApiFailure(composed.error) : null;

  return (
    <div className="space-y-3" data-testid="cutout-downloads">
      {failure ? (
        <Alert tone="danger" title={t("cutout.download.failed")}>
          <p>{failureMessage(failure)}</p>
          <Button size="sm" className="mt-1.5" onClick={composed.retry}>
            <RotateCw className="size-4" aria-hidden />
            {t("common.retry")}
          </Button>
        </Alert>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {output ? (
          <a
            href={downloadHref(output.url, name)}
            download={name}
            className={buttonClass({ variant: "primary", className: "flex-1" })}
            data-testid="cutout-download"
          >
            <Download className="size-4" aria-hidden />
            {t("cutout.download.image", { format: settings.format.toUpperCase() })}
          </a>
        ) : (
          <Button
            variant="primary"
            className="flex-1"
            disabled
            aria-busy={composed.busy || undefined}
            data-testid="cutout-download-pending"
          >
            {composed.busy ? (
              <Spinner className="size-4" />
            ) : (
              <Download className="size-4" aria-hidden />
            )}
            {composed.busy ? t("cutout.download.preparing") : t("cutout.download.unavailable")}
          </Button>
        )}
        <Button
          onClick={() => mask.mutate({ id: cutout.id, options: maskOptionsOf(settings) })}
          loading={mask.isPending}
          title={t("cutout.download.maskHint")}
          data-testid="cutout-download-mask"
        >
          {mask.isPending ? null : <SquareDashed className="size-4" aria-hidden />}
          {t("cutout.download.mask")}
        </Button>
      </div>
      <p
        className="text-[13px] text-fg-muted tabular-nums"
        aria-live="polite"
        data-testid="cutout-output-info"
      >
        {output
          ? t("cutout.download.info", {
              width: output.width,
              height: output.height,
              size: formatBytes(output.bytes, language),
            })
          : composed.busy
            ? t("cutout.download.making")
            : "\u00a0"}
      </p>
    </div>
  );
}
