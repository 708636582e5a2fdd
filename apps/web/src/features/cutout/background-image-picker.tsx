import { ImagePlus } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Spinner } from "../../components/ui/spinner";
import { readApiFailure } from "../../lib/errors";
import { failureMessage } from "../errors/notify-error";
import { formatBytes } from "../studio/format-bytes";
import { sameOriginPath } from "../studio/same-origin";
import { uploadImage } from "../studio/upload-image";
import type { BackgroundImage } from "./cutout-options";
import { UPLOAD_MAX_BYTES, batchPhotoProblem } from "./photo-files";

/**
 * The image to put behind the subject: uploaded to the user's images (`POST /api/uploads`, with
 * its progress), then used by its id. What the server refuses is shown here.
 */
export function BackgroundImagePicker({
  value,
  onChange,
}: {
  value: BackgroundImage | null;
  onChange: (image: BackgroundImage) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const id = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);
  const max = formatBytes(UPLOAD_MAX_BYTES, language);
  useEffect(() => () => inFlight.current?.abort(), []);

  const take = async (file: File | undefined) => {
    if (!file) return;
    const problem = batchPhotoProblem(file);
    if (problem) {
      setError(
        problem === "tooLarge"
          ? t("cutout.background.imageTooLarge", { name: file.name, max })
          : t("cutout.background.imageWrongType", { name: file.name }),
      );
      return;
    }
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setError(null);
    setProgress(0);
    try {
      const uploaded = await uploadImage(file, {
        signal: controller.signal,
        onProgress: setProgress,
      });
      onChange({
        uploadId: uploaded.id,
        url: sameOriginPath(uploaded.url),
        fileName: uploaded.fileName ?? file.name,
      });
    } catch (failure) {
      if (controller.signal.aborted) return;
      setError(
        t("cutout.background.imageFailed", {
          name: file.name,
          reason: failureMessage(readApiFailure(failure)),
        }),
      );
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setProgress(null);
      }
    }
  };

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <div className="space-y-1.5" data-testid="cutout-background-image">
      <div className="flex items-center gap-2.5 rounded-lg border border-dashed border-line-strong bg-subtle/60 p-2">
        {progress !== null ? (
          <span className="flex size-10 shrink-0 items-center justify-center rounded-md border border-line bg-surface text-accent">
            <Spinner className="size-4" />
          </span>
        ) : value ? (
          <img
            src={value.url}
            alt=""
            className="size-10 shrink-0 rounded-md border border-line bg-surface object-cover"
          />
        ) : (
          <span className="flex size-10 shrink-0 items-center justify-center rounded-md border border-line bg-surface text-fg-subtle">
            <ImagePlus className="size-4" aria-hidden />
          </span>
        )}
        <div className="min-w-0 flex-1">
          {progress !== null ? (
            <div aria-live="polite">
              <p className="truncate text-[13px] text-fg">
                {t("cutout.background.imageUploading", { percent })}
              </p>
              <div
                role="progressbar"
                aria-label={t("cutout.background.imageProgress")}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-muted"
              >
                <div
                  className="h-full rounded-full bg-accent transition-[width] duration-150"
                  style={{ width: `${percent}%` }}
                />
              </div>
            </div>
          ) : (
            <>
              {value ? (
                <p className="truncate text-[13px] text-fg">
                  {value.fileName ?? t("cutout.background.imageChosen")}
                </p>
              ) : null}
              <input
                id={id}
                type="file"
                accept="image/png,image/jpeg,image/webp"
                className="peer sr-only"
                onChange={(event) => {
                  void take(event.target.files?.[0]);
                  event.target.value = "";
                }}
                data-testid="cutout-background-file"
              />
              <label
                htmlFor={id}
                className="mt-0.5 inline-flex h-7 cursor-pointer items-center gap-1.5 rounded-md border border-line bg-surface px-2 text-[13px] font-medium text-fg shadow-xs transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent hover:border-line-strong hover:bg-subtle"
              >
                <ImagePlus className="size-3.5" aria-hidden />
                {value ? t("cutout.background.imageReplace") : t("cutout.background.imagePick")}
              </label>
            </>
          )}
        </div>
      </div>
      {error ? (
        <p className="text-[13px] text-danger" role="alert">
          {error}
        </p>
      ) : (
        <p className="text-[13px] text-fg-subtle">{t("cutout.background.imageHint", { max })}</p>
      )}
    </div>
  );
}
