import { describe, expect, it } from "vitest";

import { WHOLE_PHOTO, layerPlacement, subjectBoxOf } from "./subject-box";

/** A `width × height` grey mask with the rectangle [x0, x1) × [y0, y1) opaque. */
function maskWith(width: number, height: number, [x0, y0, x1, y1]: number[], channels = 1) {
  const mask = new Uint8Array(width * height * channels);
  for (let y = y0 ?? 0; y < (y1 ?? 0); y++) {
    for (let x = x0 ?? 0; x < (x1 ?? 0); x++) mask[(y * width + x) * channels] = 255;
  }
  return mask;
}

describe("subjectBoxOf", () => {
  it("boxes the opaque part of the mask, in fractions of the photo", () => {
    expect(subjectBoxOf(maskWith(100, 50, [20, 10, 60, 40]), 100, 50, 0)).toEqual({
      left: 0.2,
      top: 0.2,
      width: 0.4,
      height: 0.6,
    });
  });

  it("grows the box by the margin of its larger side and keeps it inside the photo", () => {
    // Subject 40 × 30 px: a 0.25 margin grows it by 10 px each way; the left edge stops at 0.
    const box = subjectBoxOf(maskWith(100, 100, [5, 30, 45, 60]), 100, 100, 0.25);
    expect(box).toEqual({ left: 0, top: 0.2, width: 0.55, height: 0.5 });
  });

  it("ignores pixels under half opacity and reads one channel of RGBA", () => {
    const mask = maskWith(10, 10, [2, 2, 4, 4], 4);
    mask[(9 * 10 + 9) * 4] = 127;
    expect(subjectBoxOf(mask, 10, 10, 0, 4)).toEqual({
      left: 0.2,
      top: 0.2,
      width: 0.2,
      height: 0.2,
    });
  });

  it("finds nothing in an empty mask", () => {
    expect(subjectBoxOf(new Uint8Array(16), 4, 4, 0.05)).toBeNull();
  });
});

describe("layerPlacement", () => {
  it("leaves a layer of the whole photo where it is", () => {
    expect(layerPlacement(WHOLE_PHOTO)).toEqual({
      width: "100%",
      height: "100%",
      left: "0%",
      top: "0%",
    });
  });

  it("scales and shifts the photo so the box fills the frame", () => {
    expect(layerPlacement({ left: 0.25, top: 0.1, width: 0.5, height: 0.8 })).toEqual({
      width: "200%",
      height: "125%",
      left: "-50%",
      top: "-12.5%",
    });
  });
});
