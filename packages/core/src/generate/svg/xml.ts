/**
 * XML text helpers. Everything a user typed that reaches the SVG outside glyph outlines (the
 * accessible title) goes through `escapeXml`; `cleanText` first removes what XML cannot carry.
 */

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes text for use in XML character data and in quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

// Control characters other than the line feed (tabs and returns are converted first), lone
// surrogates, and the noncharacters XML 1.0 forbids.
const INVALID_TEXT = /(?!\n)\p{Cc}|[\uFFFE\uFFFF]|\p{Cs}/gu;

/**
 * Normalises user text for layout: NFC, every line break style becomes "\n", tabs become spaces,
 * and control characters (which no font draws and XML cannot carry) are removed.
 */
export function cleanText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(/\t/g, " ")
    .replace(INVALID_TEXT, "");
}
