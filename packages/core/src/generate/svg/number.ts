/**
 * Number formatting for SVG output: short, stable strings (at most two decimals for coordinates)
 * keep the document small and the cache key of identical cards identical.
 */

/** A coordinate or length, rounded to two decimals, without trailing zeros or "-0". */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/** A scale factor, which needs more precision than a coordinate (glyphs are drawn in 1/1000 em). */
export function scaleNum(value: number): string {
  const rounded = Math.round(value * 1e5) / 1e5;
  return String(rounded);
}
