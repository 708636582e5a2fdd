import { EM } from "../fonts/font-library";
import { EMOJI_ADVANCE } from "../text/pieces";
import type { TextLayout } from "../text/layout";
import type { SvgDocument } from "./document";
import { num, scaleNum } from "./number";

/**
 * Draws a laid-out text block as glyph outlines: one group per line, scaled from em units to
 * pixels, whose `<use>`s reference the document's glyph and emoji definitions.
 */

export type TextAlign = "start" | "center" | "end";

/** Height of the optical centre of a line (between cap-height and the CJK em box), in em. */
const OPTICAL_CENTER = 0.37;
/** Emoji pictures are one em square, centred in their advance on the optical centre. */
const EMOJI_SIZE = EM;

export interface TextPlacement {
  x: number;
  y: number;
  /** Width alignment happens within. */
  width: number;
  align: TextAlign;
  color: string;
}

/** Baseline of line `index`, measured from the block's top. */
export function baselineOf(layout: TextLayout, index: number): number {
  return index * layout.lineHeight + layout.lineHeight / 2 + OPTICAL_CENTER * layout.fontSize;
}

/** The left edge of line `index`, in px from the block's x. */
export function lineOffset(layout: TextLayout, index: number, width: number, align: TextAlign) {
  const line = layout.lines[index];
  const lineWidth = ((line?.width ?? 0) * layout.fontSize) / EM;
  if (align === "center") return (width - lineWidth) / 2;
  if (align === "end") return width - lineWidth;
  return 0;
}

/** Where an emoji drawn at `x` (em units) on a line sits, in em units relative to the pen. */
export function emojiBox(x: number): { x: number; y: number; size: number } {
  return {
    x: x + (EMOJI_ADVANCE - EMOJI_SIZE) / 2,
    y: -(OPTICAL_CENTER * EM + EMOJI_SIZE / 2),
    size: EMOJI_SIZE,
  };
}

export function drawText(doc: SvgDocument, layout: TextLayout, at: TextPlacement): void {
  const scale = scaleNum(layout.fontSize / EM);
  let out = "";
  layout.lines.forEach((line, index) => {
    if (line.items.length === 0) return;
    const x = at.x + lineOffset(layout, index, at.width, at.align);
    const y = at.y + baselineOf(layout, index);
    let uses = "";
    for (const { item, x: pen } of line.items) {
      if (item.kind === "glyphs") {
        const { run } = item;
        run.glyphs.forEach((glyphId, k) => {
          const id = doc.glyph(item.face, glyphId);
          if (!id) return;
          const dy = run.y[k] ?? 0;
          uses += `<use href="#${id}" x="${num(pen + (run.x[k] ?? 0))}"${dy ? ` y="${num(dy)}"` : ""}/>`;
        });
      } else if (item.kind === "emoji") {
        const box = emojiBox(pen);
        uses += `<use href="#${doc.emoji(item.file)}" x="${num(box.x)}" y="${num(box.y)}" width="${box.size}" height="${box.size}"/>`;
      } else {
        uses += `<use href="#${doc.placeholder()}" x="${num(pen)}"/>`;
      }
    }
    if (uses) out += `<g transform="translate(${num(x)} ${num(y)}) scale(${scale})">${uses}</g>`;
  });
  if (out) doc.draw(`<g fill="${at.color}">${out}</g>`);
}
