/**
 * Colour arithmetic on validated hex colours (#rgb or #rrggbb), for deriving a theme's secondary
 * text, rules and tints from a few base colours without transparency (which costs compositing).
 */

type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? Array.from(h, (c) => c + c).join("") : h.padEnd(6, "0");
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) || 0) as Rgb;
}

function format([r, g, b]: Rgb): string {
  const hex = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, "0");
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

/** Lower-case #rrggbb. */
export function normalizeHex(hex: string): string {
  return format(parse(hex));
}

/** `amount` of `a` over `b` (0 → b, 1 → a), as if `a` were painted at that opacity. */
export function mix(a: string, b: string, amount: number): string {
  const ca = parse(a);
  const cb = parse(b);
  return format([0, 1, 2].map((i) => (ca[i] ?? 0) * amount + (cb[i] ?? 0) * (1 - amount)) as Rgb);
}

/** WCAG relative luminance. */
export function luminance(hex: string): number {
  const [r, g, b] = parse(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours (1–21). */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `light` or `dark` text for `background`: light wherever it reaches 3.5:1 (cards use large type,
 * and white on saturated brand colours is what designers pick), otherwise the better of the two.
 */
export function readableOn(background: string, light = "#ffffff", dark = "#0f172a"): string {
  const onLight = contrast(light, background);
  return onLight >= 3.5 || onLight >= contrast(dark, background) ? light : dark;
}
