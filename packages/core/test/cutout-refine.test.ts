import { describe, expect, it } from "vitest";

import { refineAlpha, removeRegions, resample } from "../src/cutout/refine";

/**
 * Mask refinement on masks made here: discs whose true alpha is known, blurred and shrunk the way a
 * network's low-resolution answer is, and specks and second subjects it has to clean up.
 */

interface Disc {
  cx: number;
  cy: number;
  r: number;
}

/** Coverage of each pixel of a `w` × `h` image by the discs (4×4 samples a pixel), 0..1. */
function coverage(w: number, h: number, discs: Disc[]): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          if (discs.some((d) => (px - d.cx) ** 2 + (py - d.cy) ** 2 <= d.r ** 2)) hits += 1;
        }
      }
      out[y * w + x] = hits / 16;
    }
  }
  return out;
}

function toBytes(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** Box blur of radius `r`, applied twice (close to a Gaussian): a network's soft edge. */
function blur(values: Float32Array, w: number, h: number, r: number): Float32Array {
  let current = values;
  for (let pass = 0; pass < 2; pass++) {
    const next = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            sum += current[yy * w + xx] ?? 0;
            n += 1;
          }
        }
        next[y * w + x] = sum / n;
      }
    }
    current = next;
  }
  return current;
}

/** A photo's discs drawn in the model's square (the photo stretched to `size`²). */
function squareDiscs(discs: Disc[], width: number, height: number, size: number) {
  // The discs become ellipses in the square; drawn per pixel from the photo's coordinates.
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = ((x + (sx + 0.5) / 4) * width) / size;
          const py = ((y + (sy + 0.5) / 4) * height) / size;
          if (discs.some((d) => (px - d.cx) ** 2 + (py - d.cy) ** 2 <= d.r ** 2)) hits += 1;
        }
      }
      out[y * size + x] = hits / 16;
    }
  }
  return out;
}

function meanAbsError(alpha: Uint8Array, truth: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs((alpha[i] ?? 0) / 255 - (truth[i] ?? 0));
  return sum / truth.length;
}

function iou(alpha: Uint8Array, truth: Float32Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = (alpha[i] ?? 0) >= 128;
    const t = (truth[i] ?? 0) >= 0.5;
    if (a && t) both += 1;
    if (a || t) either += 1;
  }
  return either === 0 ? 1 : both / either;
}

/** Plain resizing of the mask to the photo, no refinement: the baseline. */
function plain(mask: Uint8Array, size: number, width: number, height: number): Uint8Array {
  return refineAlpha({ mask, size, width, height }, { minRegion: 0, contrast: [0, 255] });
}

describe("resample", () => {
  it("keeps a constant image constant, enlarging and reducing", () => {
    const flat = new Float32Array(8 * 8).fill(0.25);
    for (const [w, h] of [
      [20, 13],
      [3, 5],
      [8, 8],
    ] as const) {
      const out = resample(flat, 8, 8, w, h);
      expect(out.length).toBe(w * h);
      for (const v of out) expect(v).toBeCloseTo(0.25, 5);
    }
  });

  it("averages every source pixel when halving, instead of picking some", () => {
    // Alternate columns 0 and 1: a point sampler answers all 0 or all 1, an area filter ½.
    const stripes = Float32Array.from({ length: 16 * 4 }, (_, i) => i % 2);
    const out = resample(stripes, 16, 4, 8, 4);
    // Away from the row's ends, where the filter is cut short.
    for (let y = 0; y < 4; y++) {
      for (let x = 1; x < 7; x++) expect(out[y * 8 + x]).toBeCloseTo(0.5, 5);
    }
  });

  it("interpolates between pixel centres when enlarging", () => {
    const ramp = Float32Array.from([0, 1]);
    const out = resample(ramp, 2, 1, 4, 1);
    // Output centres at 0.125, 0.375, 0.625, 0.875 of the row: clamped, ¼, ¾, clamped.
    expect(Array.from(out, (v) => Number(v.toFixed(3)))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe("refineAlpha", () => {
  const width = 480;
  const height = 320;
  const discs = [{ cx: 200, cy: 170, r: 95 }];
  const truth = coverage(width, height, discs);

  it("answers the photo's size and refuses a mask of the wrong length", () => {
    const size = 64;
    const mask = toBytes(squareDiscs(discs, width, height, size));
    expect(refineAlpha({ mask, size, width, height }).length).toBe(width * height);
    expect(() => refineAlpha({ mask, size: 65, width, height })).toThrow(RangeError);
  });

  it("matches the true disc better than plain resizing when the mask's edge is soft", () => {
    // A mask with a soft edge a few pixels wide, as the network answers at its resolution.
    const size = 256;
    const mask = toBytes(blur(squareDiscs(discs, width, height, size), size, size, 3));
    const resized = plain(mask, size, width, height);
    const refined = refineAlpha({ mask, size, width, height });
    expect(meanAbsError(refined, truth)).toBeLessThan(meanAbsError(resized, truth) * 0.75);
    expect(iou(refined, truth)).toBeGreaterThan(0.98);
  });

  it("keeps a fine mask's edge where it is (the curve does not grow or shrink the subject)", () => {
    const size = 640;
    const mask = toBytes(squareDiscs(discs, width, height, size));
    const refined = refineAlpha({ mask, size, width, height });
    expect(iou(refined, truth)).toBeGreaterThan(0.995);
    expect(meanAbsError(refined, truth)).toBeLessThan(0.003);
  });

  it("removes specks far from the subject, soft fringe and all", () => {
    const size = 256;
    const specks = [
      { cx: 420, cy: 40, r: 4 },
      { cx: 60, cy: 290, r: 6 },
    ];
    const mask = toBytes(
      blur(squareDiscs([...discs, ...specks], width, height, size), size, size, 1),
    );
    const refined = refineAlpha({ mask, size, width, height });
    for (const s of specks) {
      for (let y = s.cy - s.r - 4; y <= s.cy + s.r + 4; y++) {
        for (let x = s.cx - s.r - 4; x <= s.cx + s.r + 4; x++)
          expect(refined[y * width + x]).toBe(0);
      }
    }
    expect(plain(mask, size, width, height)[40 * width + 420]).toBeGreaterThan(128);
    expect(iou(refined, truth)).toBeGreaterThan(0.98);
  });

  it("keeps a second subject by default, and only the larger one with minRegion 1", () => {
    const size = 256;
    const second = { cx: 410, cy: 120, r: 60 };
    const both = [...discs, second];
    const mask = toBytes(squareDiscs(both, width, height, size));
    const kept = refineAlpha({ mask, size, width, height });
    expect(iou(kept, coverage(width, height, both))).toBeGreaterThan(0.98);
    const single = refineAlpha({ mask, size, width, height }, { minRegion: 1 });
    expect(iou(single, truth)).toBeGreaterThan(0.98);
    expect(single[second.cy * width + second.cx]).toBe(0);
  });
});

describe("removeRegions", () => {
  it("judges regions by alpha mass, so a faint large haze loses to a solid subject", () => {
    const w = 40;
    const h = 20;
    const mask = new Uint8Array(w * h);
    // Left: a solid 8×8 square (mass 64·255). Right: a faint 16×16 haze at 40 (mass 256·40).
    for (let y = 2; y < 10; y++) for (let x = 2; x < 10; x++) mask[y * w + x] = 255;
    for (let y = 2; y < 18; y++) for (let x = 20; x < 36; x++) mask[y * w + x] = 40;
    const out = removeRegions(mask, w, h, 1);
    expect(out[5 * w + 5]).toBe(255);
    expect(out[10 * w + 28]).toBe(0);
    expect(removeRegions(mask, w, h, 0.5)[10 * w + 28]).toBe(40);
  });

  it("joins pixels that touch along an edge, not those that touch only at a corner", () => {
    const w = 4;
    const h = 4;
    // A diagonal of two pixels, and a vertical pair: the diagonal is two regions of one pixel.
    const mask = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
    const out = removeRegions(mask, w, h, 1);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
  });
});
