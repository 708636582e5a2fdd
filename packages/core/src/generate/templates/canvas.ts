import type { CardWarning, EmbeddedImage } from "../card";
import type { FontLibrary } from "../fonts/font-library";
import type { FontWeight } from "../fonts/font-files";
import { SvgDocument } from "../svg/document";
import { num, scaleNum } from "../svg/number";
import { drawText, type TextAlign } from "../svg/text";
import { cleanText } from "../svg/xml";
import { layoutText, type TextLayout } from "../text/layout";

/**
 * What a template draws with: shapes, images and text slots on an SVG document. Text is laid out
 * (shrink-to-fit, wrapping, truncation) by `measure` and painted by `text`; warnings about a
 * field's text are recorded only when that text is actually drawn.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextSlot {
  /** The template field the text comes from (for warnings). */
  field: string;
  text: string;
  box: Box;
  maxSize: number;
  minSize: number;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  weight: FontWeight;
  color: string;
  align?: TextAlign;
  /** Where the text sits in a box taller than it needs. */
  valign?: "top" | "middle" | "bottom";
  maxLines?: number;
  /** Letter-spacing as a fraction of the font size. */
  tracking?: number;
  /** Leave out of the accessible title (initials and other decorative text). */
  decorative?: boolean;
}

export interface TextBlock {
  slot: TextSlot;
  layout: TextLayout;
  /** Top of the text, in px (the box's top unless vertically aligned). */
  y: number;
  /** Height of the text, in px (≤ the box's height unless even one line does not fit). */
  height: number;
  /** y + height. */
  bottom: number;
}

export interface ShapeStyle {
  fill: string;
  /** Stroke instead of fill when set. */
  stroke?: { color: string; width: number };
}

export interface ImageFrame extends Box {
  shape: "circle" | "rect";
  /** Corner radius for "rect". */
  radius?: number;
  /** "cover" (default) crops to fill the frame; "contain" shows all of it (logos). */
  fit?: "cover" | "contain";
}

/** Smallest font size text is set in, in px. */
const MIN_LEGIBLE_SIZE = 12;

/** Line icons drawn on a 24 × 24 grid with a round 2.2 stroke. */
export const ICONS = {
  calendar:
    "M5 5h14a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2ZM3 10h18M8 3v4M16 3v4",
  pin: "M12 22s-7-6.2-7-12a7 7 0 0 1 14 0c0 5.8-7 12-7 12ZM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM12 7v5l3 2",
  arrow: "M5 12h14M13 6l6 6-6 6",
} as const;

export class CardCanvas {
  readonly doc: SvgDocument;
  readonly warnings: CardWarning[] = [];
  private readonly spoken: { x: number; y: number; text: string }[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly fonts: FontLibrary,
    private readonly images: Record<string, EmbeddedImage>,
  ) {
    this.doc = new SvgDocument(width, height, fonts);
  }

  /** Lays a text slot out without drawing it. */
  measure(slot: TextSlot): TextBlock {
    // Below this, text on a share card is not legible; shortening it is the better choice.
    const minSize = Math.max(slot.minSize, MIN_LEGIBLE_SIZE);
    const layout = layoutText(
      {
        text: slot.text,
        width: slot.box.width,
        height: slot.box.height,
        maxSize: Math.max(slot.maxSize, minSize),
        minSize,
        lineHeight: slot.lineHeight,
        weight: slot.weight,
        maxLines: slot.maxLines,
        tracking: slot.tracking,
      },
      this.fonts,
    );
    const free = Math.max(0, slot.box.height - layout.height);
    const shift = slot.valign === "middle" ? free / 2 : slot.valign === "bottom" ? free : 0;
    const y = slot.box.y + shift;
    return { slot, layout, y, height: layout.height, bottom: y + layout.height };
  }

  /** Draws a slot (or a measured block, optionally moved to a new top `y`). */
  text(slotOrBlock: TextSlot | TextBlock, y?: number): TextBlock {
    const measured = "layout" in slotOrBlock ? slotOrBlock : this.measure(slotOrBlock);
    const block = y === undefined ? measured : { ...measured, y, bottom: y + measured.height };
    const { slot, layout } = block;
    drawText(this.doc, layout, {
      x: slot.box.x,
      y: block.y,
      width: slot.box.width,
      align: slot.align ?? "start",
      color: slot.color,
    });
    const spoken = slot.decorative ? "" : cleanText(slot.text).replace(/\s+/g, " ").trim();
    if (spoken) this.spoken.push({ x: slot.box.x, y: block.y, text: spoken });
    if (layout.missing.length > 0) this.missingGlyphs(slot.field, layout.missing);
    if (layout.truncated) {
      this.warn({
        code: "TEXT_TRUNCATED",
        field: slot.field,
        message: "The text was too long for its space and was shortened",
      });
    }
    return block;
  }

  /** Records that a field's text was left out because the design had no room for it. */
  omit(field: string): void {
    this.warn({
      code: "TEXT_TRUNCATED",
      field,
      message: "There was no room for this text at this card size, so it was left out",
    });
  }

  /** One warning per code and field (a field drawn in several places warns once). */
  private warn(warning: CardWarning): void {
    const same = (w: CardWarning) => w.code === warning.code && w.field === warning.field;
    if (!this.warnings.some(same)) this.warnings.push(warning);
  }

  private missingGlyphs(field: string, characters: string[]): void {
    const known = this.warnings.find((w) => w.code === "MISSING_GLYPHS" && w.field === field);
    const all = [...new Set([...(known?.characters ?? []), ...characters])];
    const warning: CardWarning = {
      code: "MISSING_GLYPHS",
      field,
      message: `Some characters cannot be drawn with the bundled fonts: ${all.join(" ")}`,
      characters: all,
    };
    if (known) this.warnings.splice(this.warnings.indexOf(known), 1, warning);
    else this.warnings.push(warning);
  }

  rect(box: Box, style: ShapeStyle & { radius?: number }): void {
    const r = style.radius
      ? ` rx="${num(Math.min(style.radius, box.width / 2, box.height / 2))}"`
      : "";
    this.doc.draw(
      `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}"${r}${paint(style)}/>`,
    );
  }

  circle(cx: number, cy: number, r: number, style: ShapeStyle): void {
    this.doc.draw(`<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}"${paint(style)}/>`);
  }

  /** Path data drawn at (x, y), scaled by `scale` (for icons and marks designed at their own size). */
  path(d: string, at: { x: number; y: number; scale: number }, style: ShapeStyle): void {
    this.doc.draw(
      `<path transform="translate(${num(at.x)} ${num(at.y)}) scale(${scaleNum(at.scale)})" d="${d}"${paint(style)}/>`,
    );
  }

  /** A 24 × 24 line icon (see ICONS) at (x, y), `size` px square, stroked in `color`. */
  icon(name: keyof typeof ICONS, x: number, y: number, size: number, color: string): void {
    this.doc.draw(
      `<path transform="translate(${num(x)} ${num(y)}) scale(${scaleNum(size / 24)})" d="${ICONS[name]}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  }

  /** A linear gradient from the top-left to the bottom-right of what it fills; returns the paint. */
  gradient(from: string, to: string, direction: "diagonal" | "vertical" = "diagonal"): string {
    const id = this.doc.id("l");
    const end = direction === "diagonal" ? 'x2="1" y2="1"' : 'x2="0" y2="1"';
    this.doc.define(
      `<linearGradient id="${id}" x1="0" y1="0" ${end}><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient>`,
    );
    return `url(#${id})`;
  }

  /** Whether an image was supplied for `field`. */
  hasImage(field: string): boolean {
    return this.images[field] !== undefined;
  }

  /** Draws the image of `field` in `frame` (cropped to fill unless "contain", clipped to its shape). */
  image(field: string, frame: ImageFrame): boolean {
    const image = this.images[field];
    if (!image) return false;
    const box = `x="${num(frame.x)}" y="${num(frame.y)}" width="${num(frame.width)}" height="${num(frame.height)}"`;
    const href = `href="data:${image.mime};base64,${image.base64}"`;
    if (frame.fit === "contain") {
      this.doc.draw(`<image ${href} ${box} preserveAspectRatio="xMidYMid meet"/>`);
      return true;
    }
    const clip = this.doc.id("c");
    const shape =
      frame.shape === "circle"
        ? `<circle cx="${num(frame.x + frame.width / 2)}" cy="${num(frame.y + frame.height / 2)}" r="${num(Math.min(frame.width, frame.height) / 2)}"/>`
        : `<rect ${box} rx="${num(frame.radius ?? 0)}"/>`;
    this.doc.define(`<clipPath id="${clip}">${shape}</clipPath>`);
    this.doc.draw(
      `<image ${href} ${box} preserveAspectRatio="xMidYMid slice" clip-path="url(#${clip})"/>`,
    );
    return true;
  }

  /** The card's text in reading order (top to bottom, then left to right), for its title. */
  spokenText(): string {
    return [...this.spoken]
      .sort((a, b) => a.y - b.y || a.x - b.x)
      .map((s) => s.text)
      .join(" — ");
  }
}

function paint(style: ShapeStyle): string {
  if (style.stroke) {
    return ` fill="none" stroke="${style.stroke.color}" stroke-width="${num(style.stroke.width)}"`;
  }
  return ` fill="${style.fill}"`;
}
