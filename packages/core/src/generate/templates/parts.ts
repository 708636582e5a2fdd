import type { CardCanvas, TextBlock } from "./canvas";
import type { Palette } from "./theme";

/** Building blocks several templates share: backgrounds, pills, avatars with initials. */

/** Fills the card with the palette's background (solid or gradient). */
export function paintBackground(canvas: CardCanvas, palette: Palette): void {
  const fill = palette.gradient
    ? canvas.gradient(palette.gradient[0], palette.gradient[1])
    : palette.background;
  canvas.rect({ x: 0, y: 0, width: canvas.width, height: canvas.height }, { fill });
}

export interface PillOptions {
  field: string;
  text: string;
  x: number;
  y: number;
  /** Cap size of the label. */
  size: number;
  maxWidth: number;
  background: string;
  color: string;
  /** Upper-case with letter-spacing (eyebrows, categories). */
  caps?: boolean;
  align?: "start" | "end";
}

/** Smallest pill label, in px (pills are small caps labels; below this they are illegible). */
const PILL_MIN_SIZE = 12;

/** Height of a pill whose label has this size. */
export const pillHeight = (size: number) => Math.max(size, PILL_MIN_SIZE) * 2.3;

/** A label in a rounded pill; returns the pill's width and height (0 if the text is empty). */
export function pill(canvas: CardCanvas, o: PillOptions): { width: number; height: number } {
  const text = o.caps ? o.text.toLocaleUpperCase() : o.text;
  if (!text.trim()) return { width: 0, height: 0 };
  const size = Math.max(o.size, PILL_MIN_SIZE);
  const padX = size * 0.95;
  const height = pillHeight(size);
  const block = canvas.measure({
    field: o.field,
    text,
    box: { x: 0, y: o.y, width: Math.max(size, o.maxWidth - 2 * padX), height },
    maxSize: size,
    minSize: size,
    lineHeight: height / size,
    weight: 700,
    color: o.color,
    maxLines: 1,
    tracking: o.caps ? 0.08 : 0,
  });
  const width = block.layout.width + 2 * padX;
  const x = o.align === "end" ? o.x - width : o.x;
  canvas.rect({ x, y: o.y, width, height }, { fill: o.background, radius: height / 2 });
  canvas.text({ ...block, slot: { ...block.slot, box: { ...block.slot.box, x: x + padX } } });
  return { width, height };
}

/** Up to two initials of a name, for an avatar without a picture. */
export function initials(name: string): string {
  // Only words that start with a letter count (not emoji or punctuation).
  const words = name
    .trim()
    .split(/\s+/u)
    .filter((word) => /^\p{L}/u.test(word));
  const first = (w: string | undefined) => (w ? (Array.from(w)[0] ?? "") : "");
  if (words.length === 0) return "";
  // CJK names have no spaces: use the first character only.
  if (words.length === 1) return first(words[0]).toLocaleUpperCase();
  return (first(words[0]) + first(words[words.length - 1])).toLocaleUpperCase();
}

/**
 * A round avatar: the image of `field` if one was supplied, otherwise the initials of `name` on
 * the accent colour. Draws a ring in `ring` around it when given.
 */
export function avatar(
  canvas: CardCanvas,
  o: {
    /** The image field. */
    field: string;
    /** The field the name comes from, and the name (for initials). */
    nameField: string;
    name: string;
    cx: number;
    cy: number;
    r: number;
    palette: Palette;
    ring?: string;
  },
): void {
  if (o.ring) canvas.circle(o.cx, o.cy, o.r * 1.08, { fill: o.ring });
  const box = { x: o.cx - o.r, y: o.cy - o.r, width: 2 * o.r, height: 2 * o.r };
  if (canvas.image(o.field, { ...box, shape: "circle" })) return;
  canvas.circle(o.cx, o.cy, o.r, { fill: o.palette.accent });
  const letters = initials(o.name);
  if (!letters) return;
  const size = o.r * 0.8;
  canvas.text({
    field: o.nameField,
    text: letters,
    decorative: true,
    box: { ...box, x: box.x + o.r * 0.1, width: box.width - o.r * 0.2 },
    maxSize: size,
    minSize: size * 0.5,
    lineHeight: box.height / size,
    weight: 700,
    color: o.palette.onAccent,
    align: "center",
    maxLines: 1,
  });
}

/** Stacks measured blocks vertically from `top` with `gaps[i]` before block i (i ≥ 1). */
export function stack(
  canvas: CardCanvas,
  blocks: (TextBlock | undefined)[],
  top: number,
  gap: number,
) {
  let y = top;
  for (const block of blocks) {
    if (!block || block.layout.lines.length === 0) continue;
    canvas.text(block, y);
    y += block.height + gap;
  }
  return y - gap;
}

/** Total height of blocks stacked with `gap` between the non-empty ones. */
export function stackHeight(blocks: (TextBlock | undefined)[], gap: number): number {
  const present = blocks.filter((b): b is TextBlock => !!b && b.layout.lines.length > 0);
  return present.reduce((sum, b) => sum + b.height, 0) + gap * Math.max(0, present.length - 1);
}

/** Clamp helper for sizes. */
export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
