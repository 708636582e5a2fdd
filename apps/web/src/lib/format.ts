const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "3 minutes ago" / "in 2 days" in the UI language. */
export function formatRelative(date: Date, language: string, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, "second");
}

/** A short absolute date and time, e.g. "Mar 4, 2026, 14:05". */
export function formatDateTime(date: Date, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(
    date,
  );
}

export function formatDate(date: Date, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(date);
}

/**
 * A duration the way people say it, rounded to one unit: "45 sec", "3 min", "1.5 hr" (in the UI
 * language). Under a second reads as "1 sec": a wait is never shown as zero.
 */
export function formatDuration(ms: number, language: string): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const [unit, value, digits] =
    seconds < 60
      ? (["second", seconds, 0] as const)
      : seconds < 3600
        ? (["minute", Math.round(seconds / 60), 0] as const)
        : (["hour", seconds / 3600, 1] as const);
  return new Intl.NumberFormat(language, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: digits,
  }).format(value);
}
