import { useEffect, useId, useRef, useState } from "react";
import type { ComponentProps, ReactNode } from "react";

import { cx } from "../../lib/cx";

interface MenuProps {
  /** Accessible name of the trigger. */
  label: string;
  trigger: ReactNode;
  triggerClassName?: string;
  /** Where the panel opens relative to the trigger. */
  placement?: "bottom-end" | "top-start" | "bottom-start";
  panelClassName?: string;
  children: (close: () => void) => ReactNode;
}

const PLACEMENTS = {
  "bottom-end": "top-full right-0 mt-1.5",
  "bottom-start": "top-full left-0 mt-1.5",
  "top-start": "bottom-full left-0 mb-1.5",
} as const;

/** A small dropdown: closes on outside click, Escape, or when an item runs. */
export function Menu({
  label,
  trigger,
  triggerClassName,
  placement = "bottom-end",
  panelClassName,
  children,
}: MenuProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {open ? (
        <div
          id={panelId}
          role="menu"
          aria-label={label}
          className={cx(
            "absolute z-40 min-w-52 rounded-xl border border-line bg-surface p-1 shadow-lg shadow-black/10",
            PLACEMENTS[placement],
            panelClassName,
          )}
        >
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}

export function MenuItem({ className, ...props }: ComponentProps<"button">) {
  return (
    <button
      type="button"
      role="menuitem"
      className={cx(
        "flex w-full cursor-pointer items-center gap-2 rounded-md px-2.5 py-1.5 text-left text-sm text-fg hover:bg-muted focus-visible:bg-muted focus-visible:outline-none disabled:cursor-default disabled:opacity-50",
        className,
      )}
      {...props}
    />
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <p className="px-2.5 pt-2 pb-1 text-xs font-medium text-fg-subtle">{children}</p>;
}

export function MenuSeparator() {
  return <div role="separator" className="my-1 h-px bg-line" />;
}
