import { hasCjk } from "./search-text";

/** A stretch of text, marked when it matched the query. Shown as text, never as HTML. */
export interface TextPart {
  text: string;
  match: boolean;
}

const ENDINGS = /(?:ing|ed|es|s|ly|er|est)$/u;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A pattern for the query's words in running text: a CJK run as it is, a Latin word as the start
 * of a word, short of a common ending (so "running" marks "runs" and "runner" as the search's
 * stemming matched them).
 */
export function matcher(words: readonly string[]): RegExp | null {
  const alternatives = words
    .filter((word) => word.length > 0)
    .map((word) => {
      if (hasCjk(word)) return escape(word);
      const stem = word.length > 4 ? word.replace(ENDINGS, "") : word;
      return `(?<![\\p{L}\\p{N}])${escape(stem)}[\\p{L}\\p{N}]*`;
    })
    .sort((a, b) => b.length - a.length);
  if (alternatives.length === 0) return null;
  return new RegExp(alternatives.join("|"), "giu");
}

/** `text` cut into parts at every match of `pattern`. */
export function markMatches(text: string, pattern: RegExp | null): TextPart[] {
  if (!pattern || text === "") return text === "" ? [] : [{ text, match: false }];
  const parts: TextPart[] = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    if (found[0] === "") continue;
    if (start > at) parts.push({ text: text.slice(at, start), match: false });
    parts.push({ text: found[0], match: true });
    at = start + found[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * About `maxChars` of `content` around the first place the query's words show, the words
 * marked; the start of the content when they show nowhere (a match on the title alone).
 */
export function snippet(content: string, pattern: RegExp | null, maxChars = 220): TextPart[] {
  const flat = content.replace(/\s+/g, " ").trim();
  let start = 0;
  if (pattern) {
    pattern.lastIndex = 0;
    const first = pattern.exec(flat);
    pattern.lastIndex = 0;
    if (first && first.index > maxChars / 4) {
      start = first.index - Math.floor(maxChars / 4);
      // Start on a word where there are words to start on.
      const space = flat.indexOf(" ", start);
      if (space !== -1 && space < first.index) start = space + 1;
    }
  }
  let end = Math.min(flat.length, start + maxChars);
  if (end < flat.length) {
    const space = flat.lastIndexOf(" ", end);
    if (space > start + maxChars * 0.6) end = space;
  }
  const parts = markMatches(flat.slice(start, end), pattern);
  if (start > 0) parts.unshift({ text: "…", match: false });
  if (end < flat.length) parts.push({ text: "…", match: false });
  return parts;
}
