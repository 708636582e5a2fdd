/** "850 ms" under a second, else "2.4 s" (one decimal under a minute), in the UI language. */
export function formatMs(ms: number, language: string): string {
  if (ms < 1000) {
    return new Intl.NumberFormat(language, {
      style: "unit",
      unit: "millisecond",
      unitDisplay: "short",
      maximumFractionDigits: 0,
    }).format(Math.max(0, Math.round(ms)));
  }
  return new Intl.NumberFormat(language, {
    style: "unit",
    unit: "second",
    unitDisplay: "short",
    maximumFractionDigits: ms < 60_000 ? 1 : 0,
  }).format(ms / 1000);
}

/** A token count with grouping: "12,345". */
export function formatCount(count: number, language: string): string {
  return new Intl.NumberFormat(language).format(count);
}

/** A cost in the provider's (unnamed) currency: small amounts keep three significant digits. */
export function formatCost(cost: number, language: string): string {
  return new Intl.NumberFormat(language, {
    maximumSignificantDigits: 3,
    maximumFractionDigits: 6,
  }).format(cost);
}
