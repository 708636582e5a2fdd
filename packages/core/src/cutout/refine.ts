/**
 * From the model's square mask to the photo's alpha: specks removed at the mask's resolution (or
 * every region but the main subject), the mask resampled to the photo's size, and a contrast
 * curve on the soft alpha. Pure functions on typed arrays.
 */

export interface RefineParams {
  /** The model's mask: `size`² bytes of alpha, the photo stretched to the square. */
  mask: Uint8Array;
  size: number;
  /** The photo's size, which the alpha is answered at. */
  width: number;
  height: number;
}

export interface RefineOptions {
  /**
   * Regions (4-connected pixels the contrast curve leaves visible) whose alpha mass is under this
   * fraction of the largest region's are removed, soft fringe included. A small fraction removes
   * specks; 1 keeps only the main subject, which suits one-subject photos (a product, a portrait)
   * and drops the second of two people. Default 0.02.
   */
  minRegion?: number;
  /**
   * Alpha at or below `low` becomes 0, at or above `high` 255, linear between (0..255). Default
   * `DEFAULT_CONTRAST`; `[0, 255]` leaves alpha as the model answered it.
   */
  contrast?: readonly [low: number, high: number];
}

/**
 * The contrast curve unless told otherwise: soft edges made firmer around the midpoint ½, so the
 * subject neither grows nor shrinks. (A lower midpoint helps the medium model, which errs on the
 * side of background, and harms the small one, which errs the other way.)
 */
export const DEFAULT_CONTRAST = [64, 192] as const;

/** The faintest alpha that counts as part of a region, whatever the contrast curve. */
const FAINTEST = 8;

/** The photo's alpha: `width` × `height` bytes. */
export function refineAlpha(params: RefineParams, options: RefineOptions = {}): Uint8Array {
  const { mask, size, width, height } = params;
  if (mask.length !== size * size) throw new RangeError(`The mask is not ${size}×${size}`);
  if (!(width > 0 && height > 0)) throw new RangeError("The photo has no pixels");
  const [low, high] = options.contrast ?? DEFAULT_CONTRAST;
  if (!(low >= 0 && high <= 255 && low < high)) {
    throw new RangeError("contrast: 0 ≤ low < high ≤ 255");
  }
  // A region is every pixel the curve leaves visible, so a removed one leaves no faint trace.
  const cleaned = removeRegions(
    mask,
    size,
    size,
    options.minRegion ?? 0.02,
    Math.max(FAINTEST, low + 1),
  );
  return applyCurve(resample(cleaned, size, size, width, height), low, high);
}

/** 0..255 alpha to bytes through the contrast curve (a lookup table of 4096 steps). */
function applyCurve(alpha: Float32Array, low: number, high: number): Uint8Array {
  const steps = 4095;
  const lut = new Uint8Array(steps + 1);
  const span = Math.max(1e-6, high - low);
  for (let i = 0; i <= steps; i++) {
    const v = ((i / steps) * 255 - low) / span;
    lut[i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  const scale = steps / 255;
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < out.length; i++) {
    const v = alpha[i] ?? 0;
    out[i] = lut[v <= 0 ? 0 : v >= 255 ? steps : Math.round(v * scale)] ?? 0;
  }
  return out;
}

/**
 * Clears the regions (4-connected pixels with alpha ≥ `faintest`) whose alpha mass is under
 * `fraction` of the largest region's. The largest region always stays.
 */
export function removeRegions(
  mask: Uint8Array,
  w: number,
  h: number,
  fraction: number,
  faintest = FAINTEST,
): Uint8Array {
  const out = Uint8Array.from(mask);
  if (fraction <= 0) return out;
  const regions = labelRuns(mask, w, h, faintest);
  const mass = new Float64Array(regions.count);
  for (let k = 0; k < regions.runs; k++) {
    const id = regions.region[k] ?? 0;
    let sum = 0;
    for (let i = regions.start[k] ?? 0; i < (regions.end[k] ?? 0); i++) sum += mask[i] ?? 0;
    mass[id] = (mass[id] ?? 0) + sum;
  }
  let largest = 0;
  for (const m of mass) largest = Math.max(largest, m);
  const limit = largest * Math.min(1, fraction);
  for (let k = 0; k < regions.runs; k++) {
    const m = mass[regions.region[k] ?? 0] ?? 0;
    if (m < limit && m < largest) out.fill(0, regions.start[k] ?? 0, regions.end[k] ?? 0);
  }
  return out;
}

/** Horizontal runs of region pixels: per run its first pixel index, one past its last, its region. */
interface Runs {
  start: Int32Array;
  end: Int32Array;
  region: Int32Array;
  runs: number;
  /** How many regions. */
  count: number;
}

/**
 * 4-connected regions of the pixels at or above `threshold`: horizontal runs, each joined to the
 * runs it overlaps in the row above (union-find on runs, not pixels).
 */
function labelRuns(mask: Uint8Array, w: number, h: number, threshold: number): Runs {
  let capacity = 1024;
  let start = new Int32Array(capacity);
  let end = new Int32Array(capacity);
  let runs = 0;
  const rowFirst = new Int32Array(h + 1);
  for (let y = 0; y < h; y++) {
    rowFirst[y] = runs;
    const row = y * w;
    let x = 0;
    while (x < w) {
      while (x < w && (mask[row + x] ?? 0) < threshold) x++;
      if (x >= w) break;
      const first = x;
      while (x < w && (mask[row + x] ?? 0) >= threshold) x++;
      if (runs === capacity) {
        capacity *= 2;
        const grownStart = new Int32Array(capacity);
        grownStart.set(start);
        start = grownStart;
        const grownEnd = new Int32Array(capacity);
        grownEnd.set(end);
        end = grownEnd;
      }
      start[runs] = row + first;
      end[runs] = row + x;
      runs += 1;
    }
  }
  rowFirst[h] = runs;
  const parent = new Int32Array(runs);
  for (let k = 0; k < runs; k++) parent[k] = k;
  const find = (k: number) => {
    let root = k;
    while ((parent[root] ?? root) !== root) root = parent[root] ?? root;
    while ((parent[k] ?? root) !== root) {
      const next = parent[k] ?? root;
      parent[k] = root;
      k = next;
    }
    return root;
  };
  for (let y = 1; y < h; y++) {
    let up = rowFirst[y - 1] ?? 0;
    const upEnd = rowFirst[y] ?? 0;
    for (let k = upEnd; k < (rowFirst[y + 1] ?? 0); k++) {
      // The run's columns, in the row above's indices.
      const s = (start[k] ?? 0) - w;
      const e = (end[k] ?? 0) - w;
      while (up < upEnd && (end[up] ?? 0) <= s) up++;
      for (let j = up; j < upEnd && (start[j] ?? 0) < e; j++) {
        const a = find(k);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const region = new Int32Array(runs);
  const index = new Int32Array(runs).fill(-1);
  let count = 0;
  for (let k = 0; k < runs; k++) {
    const root = find(k);
    if ((index[root] ?? -1) < 0) index[root] = count++;
    region[k] = index[root] ?? 0;
  }
  return { start, end, region, runs, count };
}

/**
 * Resamples one channel with a triangle filter, widened when shrinking so every source pixel
 * counts (bilinear when enlarging, area-like when reducing). Pixel centres are aligned. Values
 * keep their scale (bytes in, 0..255 out).
 */
export function resample(
  src: Uint8Array | Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Float32Array {
  // Down the columns first: when enlarging, the narrower source makes that pass the cheaper one.
  const mid = new Float32Array(sw * dh);
  const down = filterTaps(sh, dh);
  for (let y = 0; y < dh; y++) {
    const first = (down.start[y] ?? 0) * sw;
    const n = down.count[y] ?? 0;
    const at = y * down.taps;
    const out = y * sw;
    if (n === 1) {
      for (let x = 0; x < sw; x++) mid[out + x] = src[first + x] ?? 0;
    } else if (n === 2) {
      const w0 = down.weights[at] ?? 0;
      const w1 = down.weights[at + 1] ?? 0;
      const next = first + sw;
      for (let x = 0; x < sw; x++) {
        mid[out + x] = w0 * (src[first + x] ?? 0) + w1 * (src[next + x] ?? 0);
      }
    } else {
      for (let x = 0; x < sw; x++) {
        let sum = 0;
        for (let k = 0; k < n; k++) {
          sum += (src[first + k * sw + x] ?? 0) * (down.weights[at + k] ?? 0);
        }
        mid[out + x] = sum;
      }
    }
  }
  const dst = new Float32Array(dw * dh);
  const across = filterTaps(sw, dw);
  let widest = 0;
  for (let x = 0; x < dw; x++) widest = Math.max(widest, across.count[x] ?? 0);
  if (widest <= 2) {
    // Two taps at most (enlarging): per column, both sources and weights, the second 0 if unused.
    const i0 = new Int32Array(dw);
    const i1 = new Int32Array(dw);
    const w0 = new Float32Array(dw);
    const w1 = new Float32Array(dw);
    for (let x = 0; x < dw; x++) {
      const start = across.start[x] ?? 0;
      const two = across.count[x] === 2;
      i0[x] = start;
      i1[x] = two ? start + 1 : start;
      w0[x] = across.weights[x * across.taps] ?? 0;
      w1[x] = two ? (across.weights[x * across.taps + 1] ?? 0) : 0;
    }
    for (let y = 0; y < dh; y++) {
      const row = y * sw;
      const out = y * dw;
      for (let x = 0; x < dw; x++) {
        dst[out + x] =
          (w0[x] ?? 0) * (mid[row + (i0[x] ?? 0)] ?? 0) +
          (w1[x] ?? 0) * (mid[row + (i1[x] ?? 0)] ?? 0);
      }
    }
    return dst;
  }
  for (let y = 0; y < dh; y++) {
    const row = y * sw;
    const out = y * dw;
    for (let x = 0; x < dw; x++) {
      const first = row + (across.start[x] ?? 0);
      const n = across.count[x] ?? 0;
      const at = x * across.taps;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (mid[first + k] ?? 0) * (across.weights[at + k] ?? 0);
      dst[out + x] = sum;
    }
  }
  return dst;
}

function filterTaps(from: number, to: number) {
  const scale = from / to;
  const support = Math.max(1, scale);
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float32Array(to * taps);
  for (let i = 0; i < to; i++) {
    const centre = (i + 0.5) * scale - 0.5;
    const first = Math.max(0, Math.ceil(centre - support));
    const last = Math.min(from - 1, Math.floor(centre + support));
    let total = 0;
    let n = 0;
    let used = -1;
    for (let j = first; j <= last && n < taps; j++) {
      const weight = 1 - Math.abs(j - centre) / support;
      if (weight <= 0) continue;
      if (used < 0) used = j;
      weights[i * taps + n] = weight;
      total += weight;
      n += 1;
    }
    if (total > 0) {
      for (let k = 0; k < n; k++) weights[i * taps + k] = (weights[i * taps + k] ?? 0) / total;
    } else {
      // Past the edge: the nearest source pixel.
      weights[i * taps] = 1;
      n = 1;
    }
    start[i] = used >= 0 ? used : Math.min(Math.max(0, Math.round(centre)), from - 1);
    count[i] = n;
  }
  return { start, count, weights, taps };
}
