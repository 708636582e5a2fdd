import { ImagePlus, Trash2 } from "lucide-react";
import { useState } from "react";
import type { DragEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Field } from "../../components/ui/input";
import { cx } from "../../lib/cx";
import { formatBytes } from "./format-bytes";
import type { ImageValue } from "./schema-fields";

/** What the server accepts in an image field (it checks again). */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === "string" ? resolve(reader.result) : reject(new Error("unreadable"));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsDataURL(file);
  });
}

/**
 * An image picked from this computer (or dropped here), sent inline as a data URL. Files of the
 * wrong type or over the size limit are refused here, before anything is sent.
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
  const max = formatBytes(MAX_IMAGE_BYTES, language);

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
    try {
      const dataUrl = await readAsDataUrl(file);
      setLocalError(null);
      onChange({ dataUrl, fileName: file.name, bytes: file.size });
    } catch {
      setLocalError(t("studio.image.readFailed", { name: file.name }));
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  };

  return (
    <Field
      label={label}
      aside={optional}
      errors={localError ? [localError] : errors}
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
        >
          {value ? (
            <img
              src={value.dataUrl}
              alt=""
              className="size-12 shrink-0 rounded-md border border-line bg-surface object-cover"
            />
          ) : (
            <span className="flex size-12 shrink-0 items-center justify-center rounded-md border border-line bg-surface text-fg-subtle">
              <ImagePlus className="size-5" aria-hidden />
            </span>
          )}
          <div className="min-w-0 flex-1">
            {value ? (
              <p className="truncate text-[13px] text-fg">
                {value.fileName ?? t("studio.image.fromCard")}
                <span className="text-fg-subtle"> · {formatBytes(value.bytes, language)}</span>
              </p>
            ) : null}
            <div className="mt-1 flex flex-wrap items-center gap-1.5">
              <input
                id={id}
                type="file"
                accept={IMAGE_TYPES.join(",")}
                className="peer sr-only"
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(event) => {
                  void take(event.target.files?.[0]);
                  // Picking the same file again should read it again.
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
