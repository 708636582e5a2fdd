import { X } from "lucide-react";
import { useEffect, useId, useRef } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  /** When false, Escape and backdrop clicks do not close it (e.g. while showing a secret once). */
  dismissible?: boolean;
  /** How wide it may grow: `md` for questions and short forms, wider for richer content. */
  size?: keyof typeof SIZES;
  className?: string;
}

const SIZES = { md: "max-w-md", lg: "max-w-2xl", xl: "max-w-5xl" } as const;

/** A modal on the native <dialog> element: focus trapping, Escape and top layer for free. */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  dismissible = true,
  size = "md",
  className,
}: DialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={() => {
        if (open) onClose();
      }}
      onCancel={(event) => {
        if (!dismissible) event.preventDefault();
      }}
      onMouseDown={(event) => {
        if (dismissible && event.target === ref.current) onClose();
      }}
      className={cx(
        "m-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] overflow-hidden rounded-xl border border-line bg-surface p-0 text-fg shadow-2xl shadow-black/20",
        SIZES[size],
        className,
      )}
    >
      {open ? (
        // Long content scrolls between the header and the footer, which stay in view.
        <div className="flex max-h-[calc(100dvh-2rem)] flex-col">
          <header className="flex shrink-0 items-start justify-between gap-4 px-5 pt-5">
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-1 text-sm text-fg-muted">
                  {description}
                </p>
              ) : null}
            </div>
            {dismissible ? (
              <button
                type="button"
                onClick={onClose}
                aria-label={t("common.close")}
                className="-mt-1 -mr-1 rounded-md p-1 text-fg-subtle hover:bg-muted hover:text-fg"
              >
                <X className="size-4" aria-hidden />
              </button>
            ) : null}
          </header>
          {children ? (
            <div className="min-h-0 flex-1 overflow-y-auto px-5 pt-4 pb-1">{children}</div>
          ) : null}
          {footer ? (
            <footer className="mt-5 flex shrink-0 flex-col-reverse gap-2 border-t border-line bg-subtle/60 px-5 py-3 sm:flex-row sm:justify-end">
              {footer}
            </footer>
          ) : (
            <div className="h-5 shrink-0" />
          )}
        </div>
      ) : null}
    </dialog>
  );
}
