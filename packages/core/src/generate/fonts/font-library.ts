import { readFileSync } from "node:fs";

import * as fontkit from "fontkit";

import { DomainError } from "../../errors";
import { readFamilySpecs, FONT_WEIGHTS, type FamilySpec, type FontWeight } from "./font-files";
import { woffToSfnt } from "./woff";

/**
 * The process-wide font library: parses each bundled subset file once (on first need), picks the
 * font for a code point by the subsets' cmaps, shapes text runs and serves glyph outlines, all
 * cached for the life of the process (or worker thread).
 *
 * Every measurement leaving this module is in "em units": 1000 per em, whatever the font's own
 * units per em, so layout can scale by `fontSize / 1000`.
 */

/** Units per em of every measurement and outline the library hands out. */
export const EM = 1000;

/** One parsed subset file at one weight. */
export interface Face {
  /** Small integer, unique in the process; identifies the face in caches and SVG defs. */
  readonly id: number;
  /** e.g. "noto-sans-sc-42-700". */
  readonly key: string;
  readonly cjk: boolean;
}

/** A shaped run of text in one face: glyph ids with pen positions, in em units. */
export interface ShapedRun {
  glyphs: number[];
  /** Pen x of each glyph (offsets included), from the start of the run. */
  x: number[];
  /** Vertical offset of each glyph, positive downwards (marks). */
  y: number[];
  advance: number;
}

/** How long loading took, for warm-up logs and capacity planning. */
export interface FontLoadTiming {
  /** Milliseconds spent in this call (0 when everything asked for was already loaded). */
  ms: number;
  /** Subset files parsed so far in this process. */
  faces: number;
  /** Whether the CJK subsets were all loaded, or are left to load on first need. */
  cjk: "eager" | "lazy";
}

export interface LoadFontsOptions {
  /** "eager" parses every CJK subset now (~100–150 ms); "lazy" (default) on first need. */
  cjk?: "eager" | "lazy";
}

interface LoadedFace extends Face {
  readonly font: fontkit.Font;
  readonly unitScale: number;
  readonly shaped: Map<string, ShapedRun>;
  readonly paths: Map<number, string>;
}

/** A family's unicode ranges, sorted by start, with a running maximum of ends for lookups. */
interface RangeIndex {
  starts: number[];
  ends: number[];
  subset: number[];
  maxEnd: number[];
}

/** Bound on the shaping cache per face; common words and characters stay, the rest is re-shaped. */
const SHAPE_CACHE_LIMIT = 20_000;

let nextFaceId = 1;

function buildRangeIndex(family: FamilySpec): RangeIndex {
  const entries: [number, number, number][] = [];
  family.subsets.forEach((subset, i) => {
    for (const [start, end] of subset.ranges) entries.push([start, end, i]);
  });
  entries.sort((a, b) => a[0] - b[0]);
  const index: RangeIndex = { starts: [], ends: [], subset: [], maxEnd: [] };
  let maxEnd = -1;
  for (const [start, end, subset] of entries) {
    maxEnd = Math.max(maxEnd, end);
    index.starts.push(start);
    index.ends.push(end);
    index.subset.push(subset);
    index.maxEnd.push(maxEnd);
  }
  return index;
}

/** Subsets whose unicode-range contains `cp`, in manifest order. */
function subsetsContaining(index: RangeIndex, cp: number): number[] {
  let lo = 0;
  let hi = index.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((index.starts[mid] ?? 0) <= cp) lo = mid + 1;
    else hi = mid;
  }
  const found: number[] = [];
  for (let i = lo - 1; i >= 0 && (index.maxEnd[i] ?? -1) >= cp; i--) {
    if ((index.ends[i] ?? -1) >= cp) found.push(index.subset[i] ?? 0);
  }
  return found.sort((a, b) => a - b);
}

function pathString(path: fontkit.Path, scale: number): string {
  const n = (v: number) => String(Math.round(v * scale));
  const ny = (v: number) => String(Math.round(-v * scale));
  let d = "";
  for (const { command, args } of path.commands) {
    switch (command) {
      case "moveTo":
        d += `M${n(args[0] ?? 0)} ${ny(args[1] ?? 0)}`;
        break;
      case "lineTo":
        d += `L${n(args[0] ?? 0)} ${ny(args[1] ?? 0)}`;
        break;
      case "quadraticCurveTo":
        d += `Q${n(args[0] ?? 0)} ${ny(args[1] ?? 0)} ${n(args[2] ?? 0)} ${ny(args[3] ?? 0)}`;
        break;
      case "bezierCurveTo":
        d += `C${n(args[0] ?? 0)} ${ny(args[1] ?? 0)} ${n(args[2] ?? 0)} ${ny(args[3] ?? 0)} ${n(args[4] ?? 0)} ${ny(args[5] ?? 0)}`;
        break;
      case "closePath":
        d += "Z";
        break;
    }
  }
  return d.replace(/ -/g, "-");
}

export class FontLibrary {
  private readonly families: FamilySpec[];
  private readonly indexes: RangeIndex[];
  /** faces[weight][family][subset], filled as subset files are parsed. */
  private readonly faces = new Map<FontWeight, (LoadedFace | undefined)[][]>();
  private readonly byId = new Map<number, LoadedFace>();
  /** Resolved face per code point and weight (null: no bundled font has it). */
  private readonly resolved = new Map<FontWeight, Map<number, LoadedFace | null>>();
  private loadedCount = 0;

  constructor(families: FamilySpec[] = readFamilySpecs()) {
    this.families = families;
    this.indexes = families.map(buildRangeIndex);
    for (const weight of FONT_WEIGHTS) {
      this.faces.set(
        weight,
        families.map((f) => new Array<LoadedFace | undefined>(f.subsets.length)),
      );
      this.resolved.set(weight, new Map());
    }
  }

  /** Parses the non-CJK subsets (and, if asked, every CJK subset) for every weight. */
  load(options: LoadFontsOptions = {}): FontLoadTiming {
    const started = performance.now();
    const before = this.loadedCount;
    for (const weight of FONT_WEIGHTS) {
      this.families.forEach((family, f) => {
        if (family.cjk && options.cjk !== "eager") return;
        family.subsets.forEach((_, s) => this.face(weight, f, s));
      });
    }
    const ms = this.loadedCount === before ? 0 : performance.now() - started;
    const allCjk = this.families.every(
      (family, f) =>
        !family.cjk ||
        FONT_WEIGHTS.every((w) => family.subsets.every((_, s) => this.faces.get(w)?.[f]?.[s])),
    );
    return { ms, faces: this.loadedCount, cjk: allCjk ? "eager" : "lazy" };
  }

  /** The face that draws `cp` at `weight`: the first family, then subset, whose cmap has it. */
  faceFor(cp: number, weight: FontWeight): Face | undefined {
    const cache = this.resolved.get(weight);
    const cached = cache?.get(cp);
    if (cached !== undefined) return cached ?? undefined;
    let found: LoadedFace | null = null;
    for (let f = 0; f < this.families.length && !found; f++) {
      const index = this.indexes[f];
      if (!index) continue;
      for (const s of subsetsContaining(index, cp)) {
        const face = this.face(weight, f, s);
        if (face.font.hasGlyphForCodePoint(cp)) {
          found = face;
          break;
        }
      }
    }
    cache?.set(cp, found);
    return found ?? undefined;
  }

  /** True if `face` itself maps `cp` (used to keep combining marks with their base). */
  covers(face: Face, cp: number): boolean {
    return this.loaded(face).font.hasGlyphForCodePoint(cp);
  }

  /**
   * Shapes `text` in `face` (kerning, ligatures, mark positioning); cached per face and text.
   * CJK faces map characters to glyphs directly: ideographs and CJK punctuation need no
   * shaping, and skipping the shaper keeps the first use of each of the many subsets cheap.
   */
  shape(face: Face, text: string): ShapedRun {
    const loaded = this.loaded(face);
    const hit = loaded.shaped.get(text);
    if (hit) return hit;
    const shaped = loaded.cjk ? this.mapDirectly(loaded, text) : this.runShaper(loaded, text);
    if (loaded.shaped.size >= SHAPE_CACHE_LIMIT) loaded.shaped.clear();
    loaded.shaped.set(text, shaped);
    return shaped;
  }

  private runShaper(loaded: LoadedFace, text: string): ShapedRun {
    const run = loaded.font.layout(text);
    const scale = loaded.unitScale;
    const shaped: ShapedRun = { glyphs: [], x: [], y: [], advance: 0 };
    let pen = 0;
    run.glyphs.forEach((glyph, i) => {
      const pos = run.positions[i];
      shaped.glyphs.push(glyph.id);
      shaped.x.push((pen + (pos?.xOffset ?? 0)) * scale);
      shaped.y.push(-(pos?.yOffset ?? 0) * scale);
      pen += pos?.xAdvance ?? glyph.advanceWidth;
    });
    shaped.advance = pen * scale;
    return shaped;
  }

  private mapDirectly(loaded: LoadedFace, text: string): ShapedRun {
    const scale = loaded.unitScale;
    const shaped: ShapedRun = { glyphs: [], x: [], y: [], advance: 0 };
    let pen = 0;
    for (const ch of text) {
      const glyph = loaded.font.glyphForCodePoint(ch.codePointAt(0) ?? 0);
      shaped.glyphs.push(glyph.id);
      shaped.x.push(pen * scale);
      shaped.y.push(0);
      pen += glyph.advanceWidth;
    }
    shaped.advance = pen * scale;
    return shaped;
  }

  /** The outline of a glyph as SVG path data in em units, y pointing down ("" if blank). */
  glyphPath(face: Face, glyphId: number): string {
    const loaded = this.loaded(face);
    let d = loaded.paths.get(glyphId);
    if (d === undefined) {
      d = pathString(loaded.font.getGlyph(glyphId).path, loaded.unitScale);
      loaded.paths.set(glyphId, d);
    }
    return d;
  }

  private loaded(face: Face): LoadedFace {
    const loaded = this.byId.get(face.id);
    if (!loaded) throw new DomainError("INTERNAL", "Unknown font face");
    return loaded;
  }

  private face(weight: FontWeight, family: number, subset: number): LoadedFace {
    const slots = this.faces.get(weight)?.[family];
    const existing = slots?.[subset];
    if (existing) return existing;
    const familySpec = this.families[family];
    const subsetSpec = familySpec?.subsets[subset];
    if (!familySpec || !subsetSpec || !slots) throw new DomainError("INTERNAL", "Unknown font");
    let font: fontkit.Font;
    try {
      const parsed = fontkit.create(woffToSfnt(readFileSync(subsetSpec.file(weight))));
      if (!("layout" in parsed)) throw new Error("font collection");
      font = parsed;
    } catch (cause) {
      throw new DomainError("INTERNAL", "A bundled font could not be read", { cause });
    }
    const face: LoadedFace = {
      id: nextFaceId++,
      key: `${familySpec.name}-${subsetSpec.name}-${weight}`,
      cjk: familySpec.cjk,
      font,
      unitScale: EM / font.unitsPerEm,
      shaped: new Map(),
      paths: new Map(),
    };
    slots[subset] = face;
    this.byId.set(face.id, face);
    this.loadedCount++;
    return face;
  }
}

let library: FontLibrary | undefined;

/** The process-wide (per worker thread) library, created on first use. */
export function fontLibrary(): FontLibrary {
  library ??= new FontLibrary();
  return library;
}
