import { cleanText } from "../svg/xml";
import type { FontWeight } from "../fonts/font-files";
import { EM, type FontLibrary } from "../fonts/font-library";
import { clusterize, type Cluster } from "./clusters";
import { mayEndLine } from "./kinsoku";
import {
  graphemePieces,
  makePiece,
  measureClusters,
  paragraphPieces,
  type Item,
  type MeasureOptions,
  type Piece,
} from "./pieces";

/**
 * Shrink-to-fit paragraph layout: the largest whole-pixel font size between `minSize` and
 * `maxSize` at which the text wraps into the box (words are never broken while shrinking helps);
 * if even `minSize` is too big, over-long words are broken and the text is cut with "…".
 */

export interface TextSpec {
  text: string;
  /** The box the text must fit, in px. */
  width: number;
  height: number;
  maxSize: number;
  minSize: number;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  weight: FontWeight;
  maxLines?: number;
  /** Letter-spacing as a fraction of the font size. */
  tracking?: number;
}

export interface PlacedItem {
  item: Item;
  /** Pen position from the start of the line, in em units. */
  x: number;
}

export interface LaidLine {
  /** The line's text, without trailing white space. */
  text: string;
  items: PlacedItem[];
  /** Advance of the line without trailing white space, in em units. */
  width: number;
}

export interface TextLayout {
  fontSize: number;
  /** Line pitch in px. */
  lineHeight: number;
  lines: LaidLine[];
  /** Widest line, in px. */
  width: number;
  /** lines × line pitch, in px. */
  height: number;
  truncated: boolean;
  /** Characters no bundled font (nor emoji artwork) has, each once. */
  missing: string[];
}

interface Prepared {
  paragraphs: Piece[][];
  clusters: Cluster[];
  options: MeasureOptions;
}

function prepare(spec: TextSpec, fonts: FontLibrary): Prepared {
  const options: MeasureOptions = { tracking: (spec.tracking ?? 0) * EM };
  const clusters: Cluster[] = [];
  const paragraphs = cleanText(spec.text)
    .split("\n")
    .map((paragraph) => {
      const own = clusterize(paragraph, spec.weight, fonts);
      clusters.push(...own);
      return paragraphPieces(own, fonts, options);
    });
  return { paragraphs, clusters, options };
}

interface Broken {
  lines: Piece[][];
  overflow: boolean;
}

/** Greedy line breaking at one size; `emergency` breaks words that are wider than the line. */
function breakLines(
  prepared: Prepared,
  maxWidth: number,
  emergency: boolean,
  fonts: FontLibrary,
): Broken {
  const lines: Piece[][] = [];
  let overflow = false;
  for (const paragraph of prepared.paragraphs) {
    const queue = [...paragraph];
    let line: Piece[] = [];
    let width = 0;
    let trailing = 0;
    for (let i = 0; i < queue.length; i++) {
      const piece = queue[i];
      if (!piece) continue;
      if (line.length > 0 && width + trailing + piece.width <= maxWidth) {
        line.push(piece);
        width += trailing + piece.width;
        trailing = piece.trailing;
        continue;
      }
      if (line.length > 0) {
        lines.push(line);
        line = [];
      }
      if (piece.width > maxWidth) {
        if (emergency && piece.clusters.length > 1) {
          queue.splice(i, 1, ...graphemePieces(piece, fonts, prepared.options));
          i--;
          continue;
        }
        overflow = true;
      }
      line.push(piece);
      width = piece.width;
      trailing = piece.trailing;
    }
    lines.push(line);
  }
  return { lines, overflow };
}

function place(pieces: readonly Piece[]): LaidLine {
  const items: PlacedItem[] = [];
  let x = 0;
  let width = 0;
  for (const piece of pieces) {
    let pen = x;
    for (const item of piece.items) {
      items.push({ item, x: pen });
      pen += item.width;
    }
    width = x + piece.width;
    x += piece.width + piece.trailing;
  }
  const text = pieces
    .flatMap((p) => p.clusters)
    .map((c) => c.text)
    .join("")
    .trimEnd();
  return { text, items, width };
}

/** The last visible line, shortened until it and a trailing "…" fit in `maxWidth` em units. */
function ellipsize(
  pieces: readonly Piece[],
  maxWidth: number,
  prepared: Prepared,
  weight: FontWeight,
  fonts: FontLibrary,
): LaidLine {
  const ellipsis = measureClusters(clusterize("…", weight, fonts), fonts, prepared.options);
  const clusters = pieces.flatMap((p) => p.clusters);
  const widths = clusters.map((c) => makePiece([c], fonts, prepared.options));
  let kept = clusters.length;
  let total = widths.reduce((sum, p) => sum + p.width + p.trailing, 0);
  const dropTail = () => {
    kept--;
    const last = widths[kept];
    total -= (last?.width ?? 0) + (last?.trailing ?? 0);
  };
  for (;;) {
    while (kept > 0) {
      const last = clusters[kept - 1];
      const blank = last?.kind === "ignore" || (last?.kind === "glyphs" && last.space);
      if (!blank && last && mayEndLine(last.text) && total + ellipsis.width <= maxWidth) break;
      dropTail();
    }
    const body = measureClusters(clusters.slice(0, kept), fonts, prepared.options);
    if (kept === 0 || body.width + ellipsis.width <= maxWidth) {
      const items: PlacedItem[] = [];
      let x = 0;
      for (const item of [...body.items, ...ellipsis.items]) {
        items.push({ item, x });
        x += item.width;
      }
      const text = clusters
        .slice(0, kept)
        .map((c) => c.text)
        .join("");
      return { text: `${text}…`, items, width: x };
    }
    dropTail();
  }
}

/** Lays `spec.text` out at the largest size that fits its box (see the module comment). */
export function layoutText(spec: TextSpec, fonts: FontLibrary): TextLayout {
  const prepared = prepare(spec, fonts);
  if (prepared.clusters.every((c) => c.kind === "ignore" || (c.kind === "glyphs" && c.space))) {
    const fontSize = Math.max(1, Math.floor(spec.maxSize));
    const lineHeight = fontSize * spec.lineHeight;
    return { fontSize, lineHeight, lines: [], width: 0, height: 0, truncated: false, missing: [] };
  }
  const maxSize = Math.max(1, Math.floor(spec.maxSize));
  const minSize = Math.max(1, Math.min(maxSize, Math.floor(spec.minSize)));
  const allowed = (size: number) =>
    Math.max(
      1,
      Math.min(
        spec.maxLines ?? Infinity,
        Math.floor(spec.height / (size * spec.lineHeight) + 1e-6),
      ),
    );
  const attempt = (size: number, emergency: boolean): Broken =>
    breakLines(prepared, (spec.width / size) * EM, emergency, fonts);
  const fits = (size: number) => {
    const broken = attempt(size, false);
    return !broken.overflow && broken.lines.length <= allowed(size) ? broken : undefined;
  };

  let size = maxSize;
  let broken = fits(maxSize);
  if (!broken) {
    // Largest fitting size in [minSize, maxSize - 1]; `lo` fits once found.
    let lo = minSize;
    let hi = maxSize - 1;
    let best: Broken | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const tried = fits(mid);
      if (tried) {
        best = tried;
        size = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    broken = best;
  }

  let truncated = false;
  let lines: LaidLine[];
  if (broken) {
    lines = broken.lines.map(place);
  } else {
    size = minSize;
    const forced = attempt(size, true);
    const keep = allowed(size);
    lines = forced.lines.slice(0, keep).map(place);
    if (forced.lines.length > keep) {
      truncated = true;
      const last = forced.lines[keep - 1] ?? [];
      lines[keep - 1] = ellipsize(last, (spec.width / size) * EM, prepared, spec.weight, fonts);
    } else if (forced.overflow) {
      truncated = true;
    }
  }

  const missing = new Set<string>();
  for (const c of prepared.clusters) {
    if (c.kind === "missing" || c.kind === "glyphs") for (const m of c.missing) missing.add(m);
  }
  const lineHeight = size * spec.lineHeight;
  return {
    fontSize: size,
    lineHeight,
    lines,
    width: Math.max(0, ...lines.map((l) => (l.width * size) / EM)),
    height: lines.length * lineHeight,
    truncated,
    missing: [...missing],
  };
}
