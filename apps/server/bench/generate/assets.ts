// The font and emoji files satori gets: the very files GenFlow's engine draws with, resolved from
// core's own dependencies. Fonts come as Fontsource's WOFF subsets, chosen by their unicode-range
// for the text a card shows; emoji as Twemoji SVGs, handed over as data URLs.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { readFamilySpecs } from "@genflow/core/generate";

import { coreRequire } from "./core-packages";

export type Weight = 400 | 700;

export interface SatoriFont {
  name: string;
  data: Buffer;
  weight: Weight;
  style: "normal";
}

const EMOJI_PACKAGE = "@twemoji/svg";

interface Subset {
  /** e.g. "noto-sans-latin", "noto-sans-sc-42". */
  key: string;
  ranges: [number, number][];
  file(weight: Weight): string;
}

let subsets: Subset[] | undefined;

/** Every subset of both families, in the engine's fallback order, as the engine reads them. */
function readSubsets(): Subset[] {
  subsets ??= readFamilySpecs().flatMap((family) =>
    family.subsets.map((subset): Subset => ({
      key: `${family.name}-${subset.name}`,
      ranges: subset.ranges,
      file: (weight) => subset.file(weight),
    })),
  );
  return subsets;
}

const inRanges = (cp: number, ranges: [number, number][]) =>
  ranges.some(([start, end]) => cp >= start && cp <= end);

const EMOJI_GRAPHEME = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Code points of `text` that a font must draw (emoji graphemes are pictures, not glyphs). */
function fontCodePoints(text: string): number[] {
  const cps: number[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (EMOJI_GRAPHEME.test(segment)) continue;
    for (const ch of segment) cps.push(ch.codePointAt(0) ?? 0);
  }
  return cps;
}

export interface TextRun {
  text: string;
  weight: Weight;
}

export interface FontSelection {
  fonts: SatoriFont[];
  /** The subsets' family names in fallback order: the CSS `font-family` list to set text in. */
  fontFamily: string;
  /** File names (without folders), in the order given to satori. */
  files: string[];
  bytes: number;
}

/**
 * The WOFF subsets the runs need, at the weights they are set in: for each character the first
 * subset (in fallback order) whose unicode-range covers it, as a browser picks `@font-face`
 * files. satori has no unicode-range and takes one font per family name and weight, so each
 * subset is its own family ("noto-sans-latin", "noto-sans-sc-42", …), listed in fallback order.
 */
export function fontsFor(runs: TextRun[]): FontSelection {
  const all = readSubsets();
  const wanted = new Map<string, { subset: Subset; weight: Weight; order: number }>();
  for (const run of runs) {
    for (const cp of fontCodePoints(run.text)) {
      const index = all.findIndex((s) => inRanges(cp, s.ranges));
      const subset = all[index];
      if (!subset) continue;
      const id = `${subset.key}-${run.weight}`;
      if (!wanted.has(id)) wanted.set(id, { subset, weight: run.weight, order: index });
    }
  }
  const chosen = [...wanted.values()].sort((a, b) => a.order - b.order || a.weight - b.weight);
  const fonts = chosen.map(({ subset, weight }): SatoriFont => {
    return { name: subset.key, data: readFileSync(subset.file(weight)), weight, style: "normal" };
  });
  return {
    fonts,
    fontFamily: [...new Set(chosen.map(({ subset }) => subset.key))].join(", "),
    files: chosen.map(({ subset, weight }) => path.basename(subset.file(weight))),
    bytes: fonts.reduce((sum, f) => sum + f.data.length, 0),
  };
}

/** Twemoji artwork by file name, loaded on first use and kept, as a warmed server would. */
export class TwemojiAssets {
  private readonly directory = path.dirname(coreRequire().resolve(`${EMOJI_PACKAGE}/package.json`));
  private readonly names = new Set(
    readdirSync(this.directory)
      .filter((entry) => entry.endsWith(".svg"))
      .map((entry) => entry.slice(0, -4)),
  );
  private readonly urls = new Map<string, string>();

  /** Twemoji's file name for a grapheme: its code points in hex, without VS16 when needed. */
  fileFor(segment: string): string | undefined {
    const cps = Array.from(segment, (ch) => (ch.codePointAt(0) ?? 0).toString(16));
    const exact = cps.join("-");
    if (this.names.has(exact)) return exact;
    const loose = cps.filter((cp) => cp !== "fe0f").join("-");
    return this.names.has(loose) ? loose : undefined;
  }

  /** The grapheme's artwork as an SVG data URL (what satori's `loadAdditionalAsset` returns). */
  dataUrl(segment: string): string | undefined {
    const cached = this.urls.get(segment);
    if (cached) return cached;
    const file = this.fileFor(segment);
    if (!file) return undefined;
    const svg = readFileSync(path.join(this.directory, `${file}.svg`));
    const url = `data:image/svg+xml;base64,${svg.toString("base64")}`;
    this.urls.set(segment, url);
    return url;
  }
}
