import { FileArchive, FileDown } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { buttonClass } from "../../components/ui/button";
import { cx } from "../../lib/cx";
import { formatBytes } from "../studio/format-bytes";
import { ImageLightbox } from "./image-lightbox";
import { downloadHref, fileHref } from "./task-files";
import type { TaskFile } from "./task-files";

/** A task's pictures as thumbnails; a click shows one at full size. */
export function TaskThumbnails({
  images,
  title,
  className,
  size = "md",
}: {
  images: readonly TaskFile[];
  /** Names the task in the large view. */
  title: string;
  className?: string;
  size?: "md" | "lg";
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<number | null>(null);
  if (images.length === 0) return null;
  return (
    <>
      <ul
        className={cx(
          "grid gap-2",
          size === "lg" ? "grid-cols-2 sm:grid-cols-4" : "grid-cols-4 sm:flex sm:flex-wrap",
          className,
        )}
        data-testid="task-thumbnails"
      >
        {images.map((image, index) => (
          <li key={image.name} className="min-w-0">
            <button
              type="button"
              onClick={() => setOpen(index)}
              aria-label={t("tasks.files.view", { name: image.name })}
              className={cx(
                "group block w-full overflow-hidden rounded-md bg-subtle ring-1 ring-line transition hover:ring-2 hover:ring-accent",
                size === "lg" ? "aspect-square" : "aspect-square sm:size-20",
              )}
            >
              <img
                src={fileHref(image.thumbnailUrl ?? image.url)}
                alt=""
                loading="lazy"
                className="size-full object-cover transition-transform group-hover:scale-[1.03]"
              />
            </button>
          </li>
        ))}
      </ul>
      <ImageLightbox
        images={images}
        index={open}
        onIndex={setOpen}
        onClose={() => setOpen(null)}
        title={title}
      />
    </>
  );
}

/** A download link for one of a task's files (a zip, or an image as an attachment). */
export function FileDownload({
  file,
  label,
  variant = "secondary",
  className,
  testId,
}: {
  file: TaskFile;
  label?: string;
  variant?: "primary" | "secondary";
  className?: string;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const zip = file.name.toLowerCase().endsWith(".zip");
  const Icon = zip ? FileArchive : FileDown;
  return (
    <a
      href={downloadHref(file.url)}
      download={file.name}
      className={buttonClass({ variant, size: "sm", className })}
      data-testid={testId}
      title={
        file.bytes === null ? file.name : `${file.name} · ${formatBytes(file.bytes, language)}`
      }
    >
      <Icon className="size-4" aria-hidden />
      {label ?? t("tasks.files.downloadName", { name: file.name })}
    </a>
  );
}
