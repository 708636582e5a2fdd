import { ImageUp } from "lucide-react";
import { useId, useState } from "react";
import type { DragEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import { PHOTO_ACCEPT } from "./photo-files";

/** A file picker for photos: one to cut out, several for a batch. */
export function PhotoPicker({
  onFiles,
  disabled,
  children,
  className,
  testId,
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  children: ReactNode;
  className: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <>
      <input
        id={id}
        type="file"
        multiple
        accept={PHOTO_ACCEPT}
        className="peer sr-only"
        disabled={disabled}
        onChange={(event) => {
          onFiles([...(event.target.files ?? [])]);
          // Picking the same photo again should take it again.
          event.target.value = "";
        }}
        data-testid={testId}
      />
      <label
        htmlFor={id}
        className={cx(
          "cursor-pointer peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent peer-disabled:cursor-not-allowed peer-disabled:opacity-55",
          className,
        )}
      >
        {children}
      </label>
    </>
  );
}

/** Whether a drag carries files (not text or a link from the page). */
const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");

/**
 * Takes photos dropped on it. `children` is what it shows; while files are dragged over it, it
 * says what dropping them will do.
 */
export function DropTarget({
  onFiles,
  disabled,
  children,
  className,
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  children: ReactNode;
  className?: string;
}) {
  const { t } = useTranslation();
  const [dragging, setDragging] = useState(false);
  return (
    <div
      className={cx("relative", className)}
      onDragOver={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        onFiles([...event.dataTransfer.files]);
      }}
      data-testid="cutout-drop"
      data-dragging={dragging || undefined}
    >
      {children}
      {dragging ? (
        <div className="pointer-events-none absolute inset-0 z-20 flex items-center justify-center rounded-xl border-2 border-dashed border-accent bg-accent-soft/85 backdrop-blur-[1px]">
          <p className="flex items-center gap-2 text-sm font-medium text-accent">
            <ImageUp className="size-5" aria-hidden />
            {t("cutout.drop.release")}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Where a photo goes when there is none yet: drop, pick or paste, and what is accepted. */
export function EmptyDrop({
  onFiles,
  disabled,
  maxSize,
  uploadMax,
}: {
  onFiles: (files: File[]) => void;
  disabled: boolean;
  maxSize: string;
  uploadMax: string;
}) {
  const { t } = useTranslation();
  const paste = /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘V" : "Ctrl+V";
  return (
    <PhotoPicker
      onFiles={onFiles}
      disabled={disabled}
      className="flex min-h-80 flex-col items-center justify-center rounded-lg border border-dashed border-line-strong bg-subtle/60 px-6 py-10 text-center transition-colors hover:border-accent hover:bg-accent-soft/40"
      testId="cutout-file"
    >
      <span className="mb-4 flex size-12 items-center justify-center rounded-xl border border-line bg-surface text-accent shadow-xs">
        <ImageUp className="size-6" aria-hidden />
      </span>
      <span className="text-base font-semibold text-fg">{t("cutout.drop.title")}</span>
      <span className="mt-1 max-w-md text-sm text-fg-muted">
        {t("cutout.drop.hint", { paste })}
      </span>
      <span className="mt-4 inline-flex h-9 items-center rounded-lg bg-accent px-3.5 text-sm font-medium text-accent-fg shadow-sm">
        {t("cutout.drop.pick")}
      </span>
      <span className="mt-4 max-w-md text-xs text-fg-subtle">
        {t("cutout.drop.formats", { size: maxSize })}
        <br />
        {t("cutout.drop.batch", { size: uploadMax })}
      </span>
    </PhotoPicker>
  );
}
