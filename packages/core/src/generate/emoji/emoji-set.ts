import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

import { DomainError } from "../../errors";
import { EMOJI_PACKAGE } from "../fonts/font-files";

/**
 * Colour emoji from Twemoji's SVG artwork. No rasteriser draws colour-emoji fonts consistently,
 * so each emoji grapheme is drawn as its Twemoji picture (a 36×36 viewBox), read on first use.
 */

const require = createRequire(import.meta.url);

const VS15 = 0xfe0e;
const VS16 = 0xfe0f;
const ZWJ = 0x200d;
const KEYCAP = 0x20e3;

const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;

const isSkinTone = (cp: number) => cp >= 0x1f3fb && cp <= 0x1f3ff;
const isRegionalIndicator = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const isTag = (cp: number) => cp >= 0xe0020 && cp <= 0xe007f;

/**
 * How a grapheme asks to be shown. "emoji": colour picture (emoji presentation, VS16, ZWJ
 * sequence, skin tone, flag, keycap, tag sequence). "pictographic": a symbol whose default is text
 * presentation (e.g. ♥ without VS16), drawn with a font if one has it, else as emoji. "text":
 * everything else, including symbols followed by VS15.
 */
export type EmojiIntent = "emoji" | "pictographic" | "text";

export function emojiIntent(cps: readonly number[]): EmojiIntent {
  const first = cps[0];
  if (first === undefined) return "text";
  if (cps.includes(VS15) && !cps.includes(VS16)) return "text";
  const ch = String.fromCodePoint(first);
  if (cps.includes(KEYCAP) && cps.length > 1) return "emoji";
  if (isRegionalIndicator(first)) return "emoji";
  const pictographic = PICTOGRAPHIC.test(ch);
  if (pictographic || EMOJI_PRESENTATION.test(ch)) {
    if (EMOJI_PRESENTATION.test(ch)) return "emoji";
    if (cps.some((cp) => cp === VS16 || cp === ZWJ || isSkinTone(cp) || isTag(cp))) return "emoji";
    return "pictographic";
  }
  return "text";
}

const fileKey = (cps: readonly number[]) => cps.map((cp) => cp.toString(16)).join("-");

/** Lazily indexed Twemoji artwork with per-file caching of the markup. */
export class EmojiSet {
  private names: Set<string> | undefined;
  /** Keys without VS16 → file name, for sequences typed with or without VS16. */
  private loose: Map<string, string> | undefined;
  private readonly artwork = new Map<string, string>();
  private directory: string | undefined;

  /** The artwork file (without ".svg") for a grapheme's code points, if Twemoji has one. */
  fileFor(cps: readonly number[]): string | undefined {
    this.index();
    const exact = fileKey(cps);
    if (this.names?.has(exact)) return exact;
    return this.loose?.get(fileKey(cps.filter((cp) => cp !== VS16)));
  }

  /**
   * The artwork's inner markup (for a `<symbol viewBox="0 0 36 36">`), with its internal ids
   * prefixed by `idPrefix` so several pictures can share one document.
   */
  markup(file: string, idPrefix: string): string {
    let inner = this.artwork.get(file);
    if (inner === undefined) {
      this.index();
      if (!this.names?.has(file)) throw new DomainError("INTERNAL", "Unknown emoji");
      const source = readFileSync(`${this.directory ?? ""}/${file}.svg`, "utf8");
      const open = source.indexOf(">", source.indexOf("<svg"));
      const close = source.lastIndexOf("</svg>");
      inner = open >= 0 && close > open ? source.slice(open + 1, close) : "";
      this.artwork.set(file, inner);
    }
    if (!inner.includes('id="')) return inner;
    return inner
      .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${idPrefix}${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${idPrefix}${id})`)
      .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${idPrefix}${id}"`);
  }

  private index(): void {
    if (this.names) return;
    this.directory = dirname(require.resolve(`${EMOJI_PACKAGE}/package.json`));
    const names = new Set<string>();
    const loose = new Map<string, string>();
    for (const entry of readdirSync(this.directory)) {
      if (!entry.endsWith(".svg")) continue;
      const name = entry.slice(0, -4);
      names.add(name);
      const stripped = name
        .split("-")
        .filter((part) => part !== "fe0f")
        .join("-");
      if (!loose.has(stripped)) loose.set(stripped, name);
    }
    this.names = names;
    this.loose = loose;
  }
}

let emojiSet: EmojiSet | undefined;

/** The process-wide emoji set, indexed on first use. */
export function emojiArtwork(): EmojiSet {
  emojiSet ??= new EmojiSet();
  return emojiSet;
}
