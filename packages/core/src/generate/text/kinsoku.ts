/**
 * CJK line-breaking rules (kinsoku shori) on top of UAX #14: a line never starts with closing
 * punctuation and never ends with opening punctuation. UAX #14 already keeps most of these
 * together; these sets make the rule explicit, also for characters it treats as ambiguous.
 */

/** Characters that may not start a line. */
const NO_LINE_START = new Set(
  Array.from(
    "，。、；：！？）」』】〉》〕〗〙〛｝］｠…‥’”・ー～〜" +
      "ヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ" +
      "．％‰℃°′″,.;:!?)]}%",
  ),
);

/** Characters that may not end a line. */
const NO_LINE_END = new Set(Array.from("（「『【〈《〔〖〘〚｛［｟‘“([{"));

/** Whether a line may start with `grapheme`. */
export function mayStartLine(grapheme: string): boolean {
  const first = grapheme.codePointAt(0);
  return first === undefined || !NO_LINE_START.has(String.fromCodePoint(first));
}

/** Whether a line may end with `grapheme` (its trailing spaces already removed). */
export function mayEndLine(grapheme: string): boolean {
  const chars = Array.from(grapheme);
  const last = chars[chars.length - 1];
  return last === undefined || !NO_LINE_END.has(last);
}
