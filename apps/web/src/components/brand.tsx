import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { cx } from "../lib/cx";

export function BrandMark({ className }: { className?: string }) {
  // Unique per instance: a gradient referenced from a hidden copy of the mark would not render.
  const gradient = useId();
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={cx("size-7", className)}>
      <defs>
        <linearGradient id={gradient} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#818cf8" />
          <stop offset="1" stopColor="#4f46e5" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradient})`} />
      <path
        d="M9 19.5c3.5 0 4.5-7 8-7s3.5 4 6 4"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
      />
      <circle cx="9" cy="19.5" r="2" fill="#fff" />
      <circle cx="23" cy="16.5" r="2" fill="#fff" />
    </svg>
  );
}

export function Brand({ to = "/", className }: { to?: string; className?: string }) {
  const { t } = useTranslation();
  return (
    <Link
      to={to}
      className={cx("flex items-center gap-2.5 rounded-md text-fg", className)}
      aria-label={t("app.home")}
    >
      <BrandMark />
      <span className="text-[15px] font-semibold tracking-tight">{t("app.name")}</span>
    </Link>
  );
}
