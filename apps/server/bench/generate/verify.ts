// Checks of the comparison itself, before anything is timed: that the satori trees still set
// the text at the sizes GenFlow's layout chooses for the same card (a template whose design or
// samples change would otherwise silently compare two different cards).
import { composeCard, loadFonts } from "@genflow/core/generate";

import { caseFields, CASES, composeRequest, type CaseId } from "./cases";
import { satoriCard } from "./satori-cards";

/** Font sizes in px from the engine's SVG: each text line is a group scaled by size ÷ 1000. */
export function svgFontSizes(svg: string): number[] {
  const sizes = new Set<number>();
  for (const match of svg.matchAll(/<g transform="translate\([^)]*\) scale\(([\d.]+)\)"/g))
    sizes.add(Math.round(Number(match[1]) * 1000));
  return [...sizes].sort((a, b) => a - b);
}

/** One note per case whose satori tree no longer matches GenFlow's card (empty when all do). */
export function checkSatoriTrees(caseIds: CaseId[]): string[] {
  loadFonts();
  const notes: string[] = [];
  for (const caseId of caseIds) {
    const c = CASES[caseId];
    const card = composeCard(composeRequest(c));
    const genflow = svgFontSizes(card.svg);
    const satori = satoriCard(c, caseFields(c)).fontSizes;
    if (genflow.length === 0) {
      notes.push(
        `${c.label}: could not read the font sizes from GenFlow's SVG; compare the cards by eye (--save-png)`,
      );
    } else if (genflow.join() !== satori.join()) {
      notes.push(
        `${c.label}: GenFlow sets text at ${genflow.join(", ")} px, the satori tree at ${satori.join(", ")} px; update satori-cards.ts`,
      );
    }
    if (card.warnings.length > 0)
      notes.push(`${c.label}: GenFlow warns ${card.warnings.map((w) => w.code).join(", ")}`);
  }
  return notes;
}
