import { ImageOff, ImagePlus, Trash2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { DragEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Field } from "../../components/ui/input";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { readApiFailure } from "../../lib/errors";
import { failureMessage } from "../errors/notify-error";
import { formatBytes } from "./format-bytes";
import { imageSrc } from "./schema-fields";
import type { ImageValue } from "./schema-fields";
import { uploadImage } from "./upload-image";

/** What the server accepts as an upload (it checks the bytes again). */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
/** The server's default upload limit. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

interface Uploading {
  name: string;
  /** Sent so far, 0 to 1. */
  progress: number;
}

/**
 * An image picked from this computer (or dropped here): uploaded to the user's images, then used
 * in the card as `upload:<id>` and shown from its upload's URL. Files of the wrong type or over
 * the size limit are refused here, before anything is sent; what the server refuses is shown here
 * too.
 */
export function ImageField({
  name,
  label,
  optional,
  value,
  onChange,
  errors,
  hint,
}: {
  name: string;
  label: string;
  optional: ReactNode;
  value: ImageValue | null;
  onChange: (value: ImageValue | null) => void;
  errors: string[] | undefined;
  hint: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const [localError, setLocalError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState<Uploading | null>(null);
  /** The picture that could not be shown (an upload deleted since), by its reference. */
  const [brokenRef, setBrokenRef] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);
  const max = formatBytes(MAX_IMAGE_BYTES, language);

  // Leaving the editor cancels an upload on its way.
  useEffect(() => () => inFlight.current?.abort(), []);

  const take = async (file: File | undefined) => {
    if (!file) return;
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      setLocalError(t("studio.image.wrongType", { name: file.name }));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      setLocalError(
        t("studio.image.tooLarge", {
          name: file.name,
          size: formatBytes(file.size, language),
          max,
        }),
      );
      return;
    }
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLocalError(null);
    setUploading({ name: file.name, progress: 0 });
    try {
      const uploaded = await uploadImage(file, {
        signal: controller.signal,
        onProgress: (progress) =>
          setUploading((current) => (current ? { ...current, progress } : current)),
      });
      onChange({
        ref: uploaded.ref,
        fileName: uploaded.fileName ?? file.name,
        bytes: uploaded.bytes,
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      setLocalError(
        t("studio.image.uploadFailed", {
          name: file.name,
          reason: failureMessage(readApiFailure(error)),
        }),
      );
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setUploading(null);
      }
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  };

  const broken = value !== null && brokenRef === value.ref;
  const percent = uploading ? Math.round(uploading.progress * 100) : 0;
  const fieldErrors = localError
    ? [localError]
    : broken && !errors?.length
      ? [t("studio.image.unavailable")]
      : errors;

  return (
    <Field
      label={label}
      aside={optional}
      errors={fieldErrors}
      hint={hint ?? t("studio.image.hint", { size: max })}
    >
      {({ id, invalid, describedBy }) => (
        <div
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={cx(
            "flex items-center gap-3 rounded-lg border border-dashed p-2.5 transition-colors",
            dragging ? "border-accent bg-accent-soft" : "border-line-strong bg-subtle/60",
            invalid && "border-danger",
          )}
          data-testid={`image-field-${name}`}
          aria-busy={uploading ? true : undefined}
        >
          {uploading ? (
            <span className="flex size-12 shrink-0 items-center justify-center rounded-md border border-line bg-surface text-accent">
              <Spinner className="size-5" />
            </span>
          ) : value && !broken ? (
            <img
              src={imageSrc(value)}
              alt=""
              onError={() => setBrokenRef(value.ref)}
              className="size-12 shrink-0 rounded-md border border-line bg-surface object-cover"
              data-testid={`image-thumbnail-${name}`}
            />
          ) : (
            <span className="flex size-12 shrink-0 items-center justify-center rounded-md border border-line bg-surface text-fg-subtle">
              {broken ? (
                <ImageOff className="size-5" aria-hidden />
              ) : (
                <ImagePlus className="size-5" aria-hidden />
              )}
            </span>
          )}
          <div className="min-w-0 flex-1">
            {uploading ? (
              <div aria-live="polite">
                <p className="truncate text-[13px] text-fg">
                  {t("studio.image.uploading", { name: uploading.name, percent })}
                </p>
                <div
                  role="progressbar"
                  aria-label={t("studio.image.progressLabel", { name: uploading.name })}
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
            ) : value ? (
              <p className="truncate text-[13px] text-fg">
                {value.fileName ?? t("studio.image.fromCard")}
                {value.bytes !== null ? (
                  <span className="text-fg-subtle"> · {formatBytes(value.bytes, language)}</span>
                ) : null}
              </p>
            ) : null}
            <div className={cx("mt-1 flex flex-wrap items-center gap-1.5", uploading && "sr-only")}>
              <input
                id={id}
                type="file"
                accept={IMAGE_TYPES.join(",")}
                className="peer sr-only"
                disabled={uploading !== null}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(event) => {
                  void take(event.target.files?.[0]);
                  // Picking the same file again should take it again.
                  event.target.value = "";
                }}
              />
              <label
                htmlFor={id}
                className="inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-md border border-line bg-surface px-2.5 text-[13px] font-medium text-fg shadow-xs transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent hover:border-line-strong hover:bg-subtle"
              >
                <ImagePlus className="size-4" aria-hidden />
                {value ? t("studio.image.replace") : t("studio.image.pick")}
              </label>
              {value ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    setLocalError(null);
                    onChange(null);
                  }}
                  aria-label={t("studio.image.removeLabel", { name: label })}
                >
                  <Trash2 className="size-4" aria-hidden />
                  {t("studio.image.remove")}
                </Button>
              ) : null}
            </div>
          </div>
        </div>
      )}
    </Field>
  );
}
