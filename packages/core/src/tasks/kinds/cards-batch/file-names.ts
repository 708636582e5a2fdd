/**
 * File names for the cards in a batch's zip, from a pattern such as `{index}-{title}`: `{index}`
 * is the row number, zero-padded to the width of the last one, and `{name}` the row's value of
 * column `name` (blank when it has none or it is not text). Names are reduced to ASCII letters,
 * digits, `.`, `-` and `_` (accents dropped, anything else a dash), kept short, and made unique
 * ignoring case (`-2`, `-3` … added), so they unpack the same on every file system.
 */

export const DEFAULT_FILE_NAME_PATTERN = "card-{index}";
/** Longest name before the extension. */
const MAX_STEM = 100;
/** Names Windows refuses for a file, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** One unique, safe file name per row, with the extension `ext`; none equals `taken`. */
export function cardFileNames(
  pattern: string | undefined,
  rows: readonly Readonly<Record<string, unknown>>[],
  ext: string,
  taken: readonly string[] = [],
): string[] {
  const width = String(rows.length).length;
  const used = new Set(taken.map((name) => name.toLowerCase()));
  return rows.map((row, i) => {
    const index = String(i + 1).padStart(width, "0");
    const filled = (pattern ?? DEFAULT_FILE_NAME_PATTERN).replace(PLACEHOLDER, (_, name: string) =>
      name === "index" ? index : textOf(row[name]),
    );
    const stem = safeStem(filled) || `card-${index}`;
    let name = `${stem}.${ext}`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${stem}-${n}.${ext}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function textOf(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : "";
}

/** `text` as a safe file name without extension (possibly empty). */
export function safeStem(text: string): string {
  const stem = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/([-._])[-._]+/g, "$1")
    .slice(0, MAX_STEM)
    .replace(/^[-._]+|[-._]+$/g, "");
  return RESERVED.test(stem) ? `card-${stem}` : stem;
}
