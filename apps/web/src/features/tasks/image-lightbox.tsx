import { ChevronLeft, ChevronRight, Download, ExternalLink } from "lucide-react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import { buttonClass } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
import { formatBytes } from "../studio/format-bytes";
import { downloadHref, fileHref } from "./task-files";
import type { TaskFile } from "./task-files";

/** One of a task's pictures at full size, with its neighbours a click (or arrow key) away. */
export function ImageLightbox({
  images,
  index,
  onIndex,
  onClose,
  title,
}: {
  images: readonly TaskFile[];
  /** The picture on show, or null when closed. */
  index: number | null;
  onIndex: (index: number) => void;
  onClose: () => void;
  title: string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const image = index === null ? undefined : images[index];
  const many = images.length > 1;
  const step = (delta: number) => {
    if (index === null) return;
    onIndex((index + delta + images.length) % images.length);
  };

  // Arrow keys page through the pictures while the large view is open.
  useEffect(() => {
    if (index === null || images.length < 2) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      event.preventDefault();
      const delta = event.key === "ArrowRight" ? 1 : -1;
      onIndex((index + delta + images.length) % images.length);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [index, images.length, onIndex]);
  const details = image
    ? [
        image.name,
        image.width && image.height
          ? t("studio.design.dimensions", { width: image.width, height: image.height })
          : null,
        image.bytes === null ? null : formatBytes(image.bytes, language),
      ]
        .filter(Boolean)
        .join(" · ")
    : "";

  return (
    <Dialog
      open={image !== undefined}
      onClose={onClose}
      title={title}
      description={details}
      size="xl"
      footer={
        image ? (
          <>
            {many && index !== null ? (
              <p className="mr-auto self-center text-[13px] text-fg-muted tabular-nums">
                {t("tasks.files.position", { index: index + 1, count: images.length })}
              </p>
            ) : null}
            <a
              href={fileHref(image.url)}
              target="_blank"
              rel="noreferrer"
              className={buttonClass()}
            >
              <ExternalLink className="size-4" aria-hidden />
              {t("tasks.files.open")}
            </a>
            <a
              href={downloadHref(image.url)}
              download={image.name}
              className={buttonClass({ variant: "primary" })}
              data-testid="lightbox-download"
            >
              <Download className="size-4" aria-hidden />
              {t("tasks.files.download")}
            </a>
          </>
        ) : null
      }
    >
      {image ? (
        <div className="relative" data-testid="image-lightbox">
          <div className="flex min-h-48 items-center justify-center overflow-hidden rounded-lg bg-[radial-gradient(var(--line)_1px,transparent_1px)] bg-size-[12px_12px] bg-subtle ring-1 ring-line">
            <img
              src={fileHref(image.url)}
              alt={t("tasks.files.imageAlt", { name: image.name })}
              width={image.width ?? undefined}
              height={image.height ?? undefined}
              className="block h-auto max-h-[68vh] w-auto max-w-full"
            />
          </div>
          {many ? (
            <>
              <button
                type="button"
                onClick={() => step(-1)}
                aria-label={t("tasks.files.previous")}
                className="absolute top-1/2 left-2 flex size-9 -translate-y-1/2 items-center justify-center rounded-full border border-line bg-surface/90 text-fg shadow-sm hover:bg-surface"
              >
                <ChevronLeft className="size-5" aria-hidden />
              </button>
              <button
                type="button"
                onClick={() => step(1)}
                aria-label={t("tasks.files.next")}
                className="absolute top-1/2 right-2 flex size-9 -translate-y-1/2 items-center justify-center rounded-full border border-line bg-surface/90 text-fg shadow-sm hover:bg-surface"
              >
                <ChevronRight className="size-5" aria-hidden />
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
