/**
 * The titles a "Suggest titles" reply offers, read as the server reads them when one is accepted:
 * one per line, without list markers, numbering or quotes around them.
 */
export function titleOptions(text: string): string[] {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "")
        .replace(/^["“「]|["”」]$/g, "")
        .trim(),
    )
    .filter(Boolean);
}

/** A selection in the body, when it covers at least one character. */
export function selectionOf(start: number, end: number): { start: number; end: number } | null {
  return end > start ? { start, end } : null;
}
