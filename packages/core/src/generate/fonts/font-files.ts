import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The bundled font set: which npm packages, weights and subset files make it up. Fontsource ships
 * each family split into unicode-range subsets; `unicode.json` says which code points each subset
 * is meant for, so a subset file is only read when a character in its range is first needed.
 */

const require = createRequire(import.meta.url);

/** The weights the engine draws with (regular body text and bold headings). */
export const FONT_WEIGHTS = [400, 700] as const;
export type FontWeight = (typeof FONT_WEIGHTS)[number];

/** Font families in fallback order: Latin, Greek, Cyrillic first, then CJK. */
const FAMILY_PACKAGES = [
  { name: "@fontsource/noto-sans", stem: "noto-sans", cjk: false },
  { name: "@fontsource/noto-sans-sc", stem: "noto-sans-sc", cjk: true },
] as const;

/** Emoji artwork; its version changes how cards look, so it is part of the font set too. */
export const EMOJI_PACKAGE = "@twemoji/svg";

interface PackageJson {
  version: string;
}

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as PackageJson).version;
}

/**
 * Identifies the glyphs a card is drawn with: font and emoji packages with their versions, and
 * the weights. Part of the render cache key, so upgrading a font package re-renders cards.
 */
export const FONT_SET_ID = [
  ...FAMILY_PACKAGES.map((p) => `${p.name}@${packageVersion(p.name)}`),
  `${EMOJI_PACKAGE}@${packageVersion(EMOJI_PACKAGE)}`,
  `w${FONT_WEIGHTS.join(",")}`,
].join("+");

/** One subset file group of a family (the same code points at every weight). */
export interface SubsetSpec {
  /** e.g. "latin", "cyrillic-ext", "42". */
  name: string;
  /** Inclusive code point ranges, from the subset's unicode-range. */
  ranges: [number, number][];
  file(weight: FontWeight): string;
}

export interface FamilySpec {
  name: string;
  /** True for the CJK family, whose many subset files may be loaded lazily. */
  cjk: boolean;
  subsets: SubsetSpec[];
}

/** Parses a CSS unicode-range value such as "U+0000-00FF,U+0131,U+4E??" into ranges. */
export function parseUnicodeRange(value: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const part of value.split(",")) {
    const token = part.trim().replace(/^U\+/i, "");
    if (token === "") continue;
    if (token.includes("?")) {
      ranges.push([
        parseInt(token.replace(/\?/g, "0"), 16),
        parseInt(token.replace(/\?/g, "F"), 16),
      ]);
      continue;
    }
    const [from = "", to = from] = token.split("-");
    const start = parseInt(from, 16);
    const end = parseInt(to, 16);
    if (Number.isFinite(start) && Number.isFinite(end)) ranges.push([start, end]);
  }
  return ranges;
}

/** Reads the families' subset manifests (small JSON files; the font files are read later). */
export function readFamilySpecs(): FamilySpec[] {
  return FAMILY_PACKAGES.map((pkg) => {
    const root = dirname(require.resolve(`${pkg.name}/package.json`));
    const manifest = JSON.parse(readFileSync(join(root, "unicode.json"), "utf8")) as Record<
      string,
      string
    >;
    const subsets = Object.entries(manifest).map(([key, range]): SubsetSpec => {
      const name = key.replace(/^\[(.*)\]$/, "$1");
      return {
        name,
        ranges: parseUnicodeRange(range),
        file: (weight) => join(root, "files", `${pkg.stem}-${name}-${weight}-normal.woff`),
      };
    });
    return { name: pkg.stem, cjk: pkg.cjk, subsets };
  });
}
