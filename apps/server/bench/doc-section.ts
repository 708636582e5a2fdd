// Writing a benchmark's results into docs/benchmarks.md, between its own start and end markers.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces the text between `startMarker` and `endMarker` (markers included) with `section`,
 * which must begin and end with those markers; appends it when the markers are missing.
 */
export function replaceDocSection(
  docPath: string,
  section: string,
  startMarker: string,
  endMarker: string,
): void {
  const current = existsSync(docPath) ? readFileSync(docPath, "utf8") : "# Benchmarks\n";
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  const next =
    start !== -1 && end > start
      ? current.slice(0, start) + section + current.slice(end + endMarker.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(docPath, next);
}
