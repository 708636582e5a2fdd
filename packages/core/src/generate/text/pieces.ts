// linebreak ships no types: the reference brings ours along into every program that compiles this
// file (the API and the server type-check core's sources as part of their own).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./linebreak.d.ts" />
import LineBreaker from "linebreak";

import type { Face, FontLibrary, ShapedRun } from "../fonts/font-library";
import { EM } from "../fonts/font-library";
import { shapingText, type Cluster } from "./clusters";
import { mayEndLine, mayStartLine } from "./kinsoku";

/**
 * Unbreakable pieces of a paragraph, measured once in em units (so trying another font size only
 * rescales them). A piece runs from one allowed break to the next: UAX #14 opportunities that
 * fall on grapheme boundaries and respect the kinsoku rules.
 */

/** Width of a colour emoji, and of the placeholder drawn for a missing character, in em units. */
export const EMOJI_ADVANCE = 1.12 * EM;
export const MISSING_ADVANCE = 0.6 * EM;

export type Item =
  | { kind: "glyphs"; face: Face; run: ShapedRun; width: number }
  | { kind: "emoji"; file: string; width: number }
  | { kind: "missing"; width: number };

export interface Piece {
  clusters: Cluster[];
  /** What is drawn, then the trailing white space (which does not count at the end of a line). */
  items: Item[];
  width: number;
  trailing: number;
}

export interface MeasureOptions {
  /** Extra space after every grapheme, in em units (letter-spacing). */
  tracking: number;
}

/** Measures clusters as drawable items, shaping consecutive graphemes of one face together. */
export function measureClusters(
  clusters: readonly Cluster[],
  fonts: FontLibrary,
  options: MeasureOptions,
): { items: Item[]; width: number } {
  const items: Item[] = [];
  let width = 0;
  let i = 0;
  while (i < clusters.length) {
    const cluster = clusters[i];
    if (!cluster) break;
    if (cluster.kind === "glyphs") {
      // With tracking, every grapheme is its own run so the spacing lands between graphemes.
      let text = shapingText(cluster);
      let j = i + 1;
      while (options.tracking === 0 && j < clusters.length) {
        const next = clusters[j];
        if (next?.kind !== "glyphs" || next.face.id !== cluster.face.id) break;
        text += shapingText(next);
        j++;
      }
      const run = fonts.shape(cluster.face, text);
      const item: Item = {
        kind: "glyphs",
        face: cluster.face,
        run,
        width: run.advance + options.tracking,
      };
      items.push(item);
      width += item.width;
      i = j;
      continue;
    }
    if (cluster.kind === "emoji") {
      items.push({ kind: "emoji", file: cluster.file, width: EMOJI_ADVANCE + options.tracking });
      width += EMOJI_ADVANCE + options.tracking;
    } else if (cluster.kind === "missing") {
      items.push({ kind: "missing", width: MISSING_ADVANCE + options.tracking });
      width += MISSING_ADVANCE + options.tracking;
    }
    i++;
  }
  return { items, width };
}

/** Builds a piece from its clusters, measuring trailing white space separately. */
export function makePiece(clusters: Cluster[], fonts: FontLibrary, options: MeasureOptions): Piece {
  let end = clusters.length;
  while (end > 0) {
    const c = clusters[end - 1];
    if (!(c?.kind === "glyphs" && c.space) && c?.kind !== "ignore") break;
    end--;
  }
  const body = measureClusters(clusters.slice(0, end), fonts, options);
  const tail = measureClusters(clusters.slice(end), fonts, options);
  return { clusters, items: body.items, width: body.width, trailing: tail.width };
}

/** Grapheme start offsets (UTF-16) → cluster index. */
function clusterStarts(clusters: readonly Cluster[]): Map<number, number> {
  const starts = new Map<number, number>();
  let offset = 0;
  clusters.forEach((c, i) => {
    starts.set(offset, i);
    offset += c.text.length;
  });
  return starts;
}

/** Cuts a paragraph's clusters into pieces at the allowed break opportunities. */
export function paragraphPieces(
  clusters: Cluster[],
  fonts: FontLibrary,
  options: MeasureOptions,
): Piece[] {
  const text = clusters.map((c) => c.text).join("");
  const starts = clusterStarts(clusters);
  const cuts: number[] = [];
  const breaker = new LineBreaker(text);
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const index = starts.get(bk.position);
    if (index === undefined || index === 0) continue;
    const next = clusters[index];
    // The last non-space grapheme before the break.
    let prev = index - 1;
    while (prev > 0 && isSpace(clusters[prev])) prev--;
    const before = clusters[prev];
    if (next && !mayStartLine(next.text)) continue;
    if (before && !mayEndLine(before.text)) continue;
    cuts.push(index);
  }
  const pieces: Piece[] = [];
  let from = 0;
  for (const cut of [...cuts, clusters.length]) {
    if (cut <= from) continue;
    pieces.push(makePiece(clusters.slice(from, cut), fonts, options));
    from = cut;
  }
  return pieces;
}

function isSpace(cluster: Cluster | undefined): boolean {
  return cluster?.kind === "glyphs" && cluster.space;
}

/** Splits a piece into one piece per grapheme (for words wider than the line). */
export function graphemePieces(piece: Piece, fonts: FontLibrary, options: MeasureOptions): Piece[] {
  const out: Piece[] = [];
  for (const cluster of piece.clusters) {
    const last = out[out.length - 1];
    // Keep spaces and closing punctuation with the grapheme before them.
    if (last && (isSpace(cluster) || !mayStartLine(cluster.text))) {
      out[out.length - 1] = makePiece([...last.clusters, cluster], fonts, options);
    } else {
      out.push(makePiece([cluster], fonts, options));
    }
  }
  return out;
}
