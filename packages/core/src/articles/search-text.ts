/**
 * Text search that works for Chinese, Japanese and Korean as well as for English. Postgres'
 * parser makes no tokens of CJK text (it has no spaces to split on), so core splits every text
 * into script runs: Latin-script runs go to Postgres' `english` configuration (stems, stop words),
 * and each CJK run becomes its characters and its overlapping character pairs, given here as a
 * ready-made `tsvector`. A pair sits at the position of its first character, so a CJK query of n
 * characters is the phrase of its n − 1 pairs (`'组件' <-> '件库'`), one or two characters are one
 * lexeme, and both match anywhere inside longer words without a dictionary. Mixed text works
 * because each run is handled by its own kind.
 */

/** Han (with the CJK compatibility forms), kana, Hangul and bopomofo. */
const CJK =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}ー]/u;
const CJK_RUN = new RegExp(`${CJK.source}+`, "gu");

/** Postgres keeps at most this many positions of one lexeme, and positions up to 16383. */
const MAX_POSITIONS = 256;
const MAX_POSITION = 16_383;

/** Text the way both sides of a search see it: compatibility forms folded, lower case. */
export function normaliseText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

export interface ScriptRuns {
  /** The text with every CJK run replaced by a space: for Postgres' `english` parser. */
  latin: string;
  /** The CJK runs, in order. */
  cjk: string[];
}

export function splitScripts(text: string): ScriptRuns {
  const normal = normaliseText(text);
  const cjk = normal.match(CJK_RUN) ?? [];
  return { latin: normal.replace(CJK_RUN, " "), cjk: [...cjk] };
}

/** A lexeme quoted for a tsvector or tsquery literal. */
function quote(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * The CJK runs as a `tsvector` literal: every character and every pair of neighbours, a pair at
 * its first character's position. Runs are kept a position apart so no phrase spans two runs.
 */
export function cjkVector(runs: readonly string[]): string {
  const positions = new Map<string, number[]>();
  const add = (lexeme: string, position: number) => {
    const list = positions.get(lexeme);
    if (!list) positions.set(lexeme, [position]);
    else if (list.length < MAX_POSITIONS) list.push(position);
  };
  let position = 1;
  for (const run of runs) {
    const chars = [...run];
    for (let i = 0; i < chars.length && position <= MAX_POSITION; i++, position++) {
      const char = chars[i] ?? "";
      add(char, position);
      const next = chars[i + 1];
      if (next !== undefined) add(char + next, position);
    }
    position += 1;
  }
  return [...positions].map(([lexeme, list]) => `${quote(lexeme)}:${list.join(",")}`).join(" ");
}

/** A CJK query run as a `tsquery` literal: one lexeme for one or two characters, else a phrase of pairs. */
export function cjkQuery(run: string): string {
  const chars = [...normaliseText(run)];
  if (chars.length <= 2) return quote(chars.join(""));
  const pairs: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++)
    pairs.push(quote(`${chars[i] ?? ""}${chars[i + 1] ?? ""}`));
  return pairs.join(" <-> ");
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/** One part of a search query. */
export interface QueryTerm {
  /** The words as typed (a quoted phrase without its quotes). */
  text: string;
  phrase: boolean;
  exclude: boolean;
}

/**
 * A search box's text as terms: `"quoted phrases"`, `-excluded` words or phrases, and words.
 * `OR` and `AND` between words are taken as the words they join (every word counts anyway).
 */
export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/gu;
  for (const match of query.normalize("NFKC").matchAll(pattern)) {
    const [, minus, quoted, bare] = match;
    if (quoted !== undefined) {
      const text = quoted.trim();
      if (text) terms.push({ text, phrase: true, exclude: minus === "-" });
      continue;
    }
    if (bare === undefined) continue;
    if (bare === "OR" || bare === "AND") continue;
    const exclude = bare.startsWith("-") && bare.length > 1;
    const text = (exclude ? bare.slice(1) : bare).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (text) terms.push({ text, phrase: false, exclude });
  }
  return terms;
}

/** The words and CJK runs of the query's terms that snippets mark, in lower case. */
export function highlightWords(terms: readonly QueryTerm[]): string[] {
  const words = new Set<string>();
  for (const term of terms) {
    if (term.exclude) continue;
    const { latin, cjk } = splitScripts(term.text);
    for (const word of latin.split(/[^\p{L}\p{N}]+/u)) if (word) words.add(word);
    for (const run of cjk) words.add(run);
  }
  return [...words];
}
