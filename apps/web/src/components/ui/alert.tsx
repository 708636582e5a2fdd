import { CircleAlert, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";

import { cx } from "../../lib/cx";

const TONES = {
  danger: { box: "border-danger/30 bg-danger-soft text-danger", Icon: CircleAlert },
  warning: { box: "border-warning/35 bg-warning-soft text-fg", Icon: TriangleAlert },
} as const;

export function Alert({
  tone,
  title,
  children,
  className,
}: {
  tone: keyof typeof TONES;
  title: ReactNode;
  children?: ReactNode;
  className?: string;
}) {
  const { box, Icon } = TONES[tone];
  return (
    <div
      role="alert"
      className={cx("flex gap-2.5 rounded-lg border px-3 py-2.5 text-sm", box, className)}
    >
      <Icon
        className={cx("mt-0.5 size-4 shrink-0", tone === "warning" && "text-warning")}
        aria-hidden
      />
      <div className="min-w-0 flex-1 space-y-1">
        <p className="font-medium">{title}</p>
        {children ? <div className="text-[13px] opacity-90">{children}</div> : null}
      </div>
    </div>
  );
}
