import type { Face, FontLibrary } from "../fonts/font-library";
import { emojiArtwork } from "../emoji/emoji-set";
import { num } from "./number";
import { escapeXml } from "./xml";

/**
 * An SVG document under construction. Each distinct glyph outline and emoji picture is defined
 * once in `<defs>` and drawn with `<use>`, which keeps cards with repeated letters small and
 * cheap to parse.
 */

/** The placeholder for a character no bundled font has: a hollow box, 0.6 em wide. */
const PLACEHOLDER_PATH = "M80-700H520V0H80ZM130-650V-50H470V-650Z";

export class SvgDocument {
  private readonly defs: string[] = [];
  private readonly body: string[] = [];
  private readonly glyphIds = new Map<string, string | null>();
  private readonly emojiIds = new Map<string, string>();
  private placeholderId: string | undefined;
  private counter = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly fonts: FontLibrary,
  ) {}

  /** A fresh id for a definition (gradients, clip paths). */
  id(prefix = "d"): string {
    this.counter++;
    return `${prefix}${this.counter.toString(36)}`;
  }

  /** Adds markup to `<defs>`. */
  define(markup: string): void {
    this.defs.push(markup);
  }

  /** Appends markup to the drawing, in paint order. */
  draw(markup: string): void {
    this.body.push(markup);
  }

  /** The id of a glyph's outline (em units, y down), or undefined for blank glyphs (spaces). */
  glyph(face: Face, glyphId: number): string | undefined {
    if (glyphId === 0) return undefined;
    const key = `${face.id}:${glyphId}`;
    const known = this.glyphIds.get(key);
    if (known !== undefined) return known ?? undefined;
    const d = this.fonts.glyphPath(face, glyphId);
    if (d === "") {
      this.glyphIds.set(key, null);
      return undefined;
    }
    const id = this.id("g");
    this.defs.push(`<path id="${id}" d="${d}"/>`);
    this.glyphIds.set(key, id);
    return id;
  }

  /** The id of an emoji picture as a 36×36 `<symbol>`, painted with its own colours. */
  emoji(file: string): string {
    let id = this.emojiIds.get(file);
    if (!id) {
      id = this.id("e");
      const markup = emojiArtwork().markup(file, `${id}-`);
      // Reset the fill: artwork relies on the initial black, not on the text colour around it.
      this.defs.push(
        `<symbol id="${id}" viewBox="0 0 36 36"><g fill="#000">${markup}</g></symbol>`,
      );
      this.emojiIds.set(file, id);
    }
    return id;
  }

  /** The id of the missing-character placeholder (em units, y down). */
  placeholder(): string {
    if (!this.placeholderId) {
      this.placeholderId = this.id("m");
      this.defs.push(`<path id="${this.placeholderId}" d="${PLACEHOLDER_PATH}"/>`);
    }
    return this.placeholderId;
  }

  /** The finished document; `title` is the card's text for assistive technology. */
  serialize(title: string): string {
    const w = num(this.width);
    const h = num(this.height);
    const head =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" ` +
      `viewBox="0 0 ${w} ${h}" role="img"><title>${escapeXml(title)}</title>`;
    const defs = this.defs.length > 0 ? `<defs>${this.defs.join("")}</defs>` : "";
    return `${head}${defs}${this.body.join("")}</svg>`;
  }
}
