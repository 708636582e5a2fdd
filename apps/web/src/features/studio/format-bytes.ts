/**
 * "512 B", "4 kB", "4.8 MB" in the UI language. Binary multiples, as the server counts its
 * limits ("images may be at most 5 MB" means 5 × 1024 × 1024 bytes).
 */
export function formatBytes(bytes: number, language: string): string {
  const [unit, size] =
    bytes >= 1024 * 1024
      ? (["megabyte", 1024 * 1024] as const)
      : bytes >= 1024
        ? (["kilobyte", 1024] as const)
        : (["byte", 1] as const);
  return new Intl.NumberFormat(language, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: unit === "byte" ? 0 : 1,
  }).format(bytes / size);
}
