import { emojiArtwork, emojiIntent } from "../emoji/emoji-set";
import type { Face, FontLibrary } from "../fonts/font-library";
import type { FontWeight } from "../fonts/font-files";

/**
 * Graphemes and how each is drawn: by a font face (per-character fallback, Latin first, then
 * CJK), as a colour emoji picture, as a placeholder for a character no bundled font has, or not
 * at all (format characters).
 */

export type Cluster =
  | { kind: "glyphs"; text: string; face: Face; space: boolean; missing: string[] }
  | { kind: "emoji"; text: string; file: string }
  | { kind: "missing"; text: string; missing: string[] }
  | { kind: "ignore"; text: string };

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Code points that select a presentation or join, and need no glyph of their own. */
function isIgnorable(cp: number): boolean {
  return (
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    cp === 0x200b ||
    cp === 0x200c ||
    cp === 0x200d ||
    cp === 0x2060 ||
    cp === 0xfeff ||
    cp === 0x00ad
  );
}

const WHITESPACE = /^\s+$/u;

/** The text handed to the shaper: the grapheme without selectors and tags fonts do not map. */
export function shapingText(cluster: Cluster): string {
  return Array.from(cluster.text)
    .filter((ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      return !(cp >= 0xfe00 && cp <= 0xfe0f) && !(cp >= 0xe0000 && cp <= 0xe01ef);
    })
    .join("");
}

/** Splits text into graphemes and decides how each one is drawn at `weight`. */
export function clusterize(text: string, weight: FontWeight, fonts: FontLibrary): Cluster[] {
  const clusters: Cluster[] = [];
  const emoji = emojiArtwork();
  for (const { segment } of segmenter.segment(text)) {
    const cps = Array.from(segment, (ch) => ch.codePointAt(0) ?? 0);
    const significant = cps.filter((cp) => !isIgnorable(cp));
    const intent = emojiIntent(cps);
    if (intent === "emoji") {
      const file = emoji.fileFor(cps);
      if (file) {
        clusters.push({ kind: "emoji", text: segment, file });
        continue;
      }
    }
    const base = significant[0];
    if (base === undefined) {
      clusters.push({ kind: "ignore", text: segment });
      continue;
    }
    const face = fonts.faceFor(base, weight);
    if (!face) {
      const file = intent === "text" ? undefined : emoji.fileFor(cps);
      if (file) clusters.push({ kind: "emoji", text: segment, file });
      else clusters.push({ kind: "missing", text: segment, missing: [segment] });
      continue;
    }
    const missing = significant
      .slice(1)
      .filter((cp) => !fonts.covers(face, cp))
      .map((cp) => String.fromCodePoint(cp));
    clusters.push({
      kind: "glyphs",
      text: segment,
      face,
      space: WHITESPACE.test(segment),
      missing,
    });
  }
  return clusters;
}
