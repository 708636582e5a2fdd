import { describe, expect, it } from "vitest";

import {
  INITIAL_MASK,
  INITIAL_SETTINGS,
  cssBackgroundOf,
  downloadHref,
  downloadName,
  findOutput,
  maskOptionsOf,
  mergeOutputs,
  optionsKey,
  outputOptionsOf,
  processOptionsOf,
  settingsFromOutput,
  transparentLayerOf,
} from "./cutout-options";
import type { CutoutSettings } from "./cutout-options";
import type { CutoutItem, CutoutOutput } from "./types";

const settings = (change: Partial<CutoutSettings>): CutoutSettings => ({
  ...INITIAL_SETTINGS,
  ...change,
});

const UPLOAD = "0d9f7a52-1b64-4a5e-9c3e-2f1d7c8b6a10";

function output(name: string, options: Record<string, unknown>): CutoutOutput {
  return {
    name,
    options,
    url: `http://api.example/api/cutouts/c1/${name}`,
    contentType: "image/png",
    width: 10,
    height: 10,
    bytes: 100,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

function cutout(outputs: CutoutOutput[]): CutoutItem {
  return { id: "c1", outputs } as unknown as CutoutItem;
}

describe("outputOptionsOf", () => {
  it("asks for the subject on transparency as PNG by default", () => {
    expect(outputOptionsOf(INITIAL_SETTINGS)).toEqual({
      output: "image",
      format: "png",
      background: { type: "transparent" },
    });
  });

  it("sends only the chosen background's values, and the crop when it is on", () => {
    expect(
      outputOptionsOf(settings({ background: "gradient", crop: true, format: "webp" })),
    ).toEqual({
      output: "image",
      format: "webp",
      background: { type: "gradient", from: "#6366f1", to: "#ec4899", angle: 135 },
      crop: { margin: 0.05 },
    });
    expect(outputOptionsOf(settings({ background: "blur", blur: 8 }))?.background).toEqual({
      type: "blur",
      sigma: 8,
    });
  });

  it("has nothing to send for an image background until an image is chosen", () => {
    expect(outputOptionsOf(settings({ background: "image" }))).toBeNull();
    const image = { uploadId: UPLOAD, url: `/api/uploads/${UPLOAD}`, fileName: "sea.jpg" };
    expect(outputOptionsOf(settings({ background: "image", image }))?.background).toEqual({
      type: "image",
      uploadId: UPLOAD,
    });
  });

  it("makes the mask cropped like the image", () => {
    expect(maskOptionsOf({ crop: true })).toMatchObject({ output: "mask", crop: { margin: 0.05 } });
    expect(maskOptionsOf({ crop: false })).not.toHaveProperty("crop");
  });
});

describe("processOptionsOf", () => {
  it("adds the tier and the subjects to keep to the output options", () => {
    expect(
      processOptionsOf(
        { tier: "fast", subject: "main" },
        settings({ background: "color", color: "#112233" }),
      ),
    ).toEqual({
      tier: "fast",
      subject: "main",
      output: "image",
      format: "png",
      background: { type: "color", color: "#112233" },
    });
  });

  it("starts on transparency while the image background has no image", () => {
    expect(processOptionsOf(INITIAL_MASK, settings({ background: "image" })).background).toEqual({
      type: "transparent",
    });
  });
});

describe("optionsKey", () => {
  it("is the same for options that differ only by defaults, case or key order", () => {
    expect(optionsKey({ background: { type: "transparent" } })).toBe(
      optionsKey({ format: "png", output: "image" }),
    );
    expect(optionsKey({ background: { type: "gradient", from: "#AABBCC", to: "#000000" } })).toBe(
      optionsKey({
        background: { to: "#000000", angle: 180, from: "#aabbcc", type: "gradient" },
        format: "png",
      }),
    );
    expect(optionsKey({ crop: {} })).toBe(optionsKey({ crop: { margin: 0.05 } }));
  });

  it("differs when the image would", () => {
    const base = optionsKey(outputOptionsOf(INITIAL_SETTINGS));
    expect(optionsKey(outputOptionsOf(settings({ format: "webp" })))).not.toBe(base);
    expect(optionsKey(outputOptionsOf(settings({ crop: true })))).not.toBe(base);
    expect(optionsKey(maskOptionsOf({ crop: false }))).not.toBe(base);
  });

  it("ignores the background and format of a mask, and cannot read nonsense", () => {
    expect(optionsKey({ output: "mask", format: "webp", background: { type: "blur" } })).toBe(
      optionsKey(maskOptionsOf({ crop: false })),
    );
    expect(optionsKey({ background: { type: "color", color: "red" } })).toBeNull();
    expect(optionsKey("png")).toBeNull();
  });
});

describe("finding outputs", () => {
  const made = cutout([
    output("image-1.png", {
      output: "image",
      format: "png",
      background: { type: "color", color: "#ff0000" },
    }),
    output("image-2.webp", {
      output: "image",
      format: "webp",
      background: { type: "transparent" },
    }),
    output("image-3.png", {
      output: "image",
      format: "png",
      background: { type: "transparent" },
      crop: { margin: 0.05 },
    }),
  ]);

  it("finds the output these settings make", () => {
    expect(
      findOutput(made, outputOptionsOf(settings({ background: "color", color: "#FF0000" })))?.name,
    ).toBe("image-1.png");
    expect(findOutput(made, outputOptionsOf(settings({ crop: true })))?.name).toBe("image-3.png");
    expect(findOutput(made, outputOptionsOf(INITIAL_SETTINGS))).toBeUndefined();
    expect(findOutput(made, null)).toBeUndefined();
  });

  it("takes an uncropped transparent output of either format as the preview layer", () => {
    expect(transparentLayerOf(made)?.name).toBe("image-2.webp");
    expect(transparentLayerOf(cutout(made.outputs.slice(0, 1)))).toBeUndefined();
  });
});

describe("settingsFromOutput", () => {
  it("reopens an output with its background, crop and format, keeping other values", () => {
    const base = settings({ color: "#123456" });
    const reopened = settingsFromOutput(
      {
        output: "image",
        format: "webp",
        background: { type: "gradient", from: "#000000", to: "#ffffff", angle: 90 },
        crop: { margin: 0.05 },
      },
      base,
    );
    expect(reopened).toEqual({
      ...base,
      background: "gradient",
      gradient: { from: "#000000", to: "#ffffff", angle: 90 },
      crop: true,
      format: "webp",
    });
  });

  it("points an image background at its upload", () => {
    const reopened = settingsFromOutput(
      { output: "image", background: { type: "image", uploadId: UPLOAD } },
      INITIAL_SETTINGS,
    );
    expect(reopened.image).toEqual({
      uploadId: UPLOAD,
      url: `/api/uploads/${UPLOAD}`,
      fileName: null,
    });
  });

  it("keeps the settings for a mask or options it cannot read", () => {
    expect(settingsFromOutput({ output: "mask" }, INITIAL_SETTINGS)).toBe(INITIAL_SETTINGS);
    expect(settingsFromOutput(null, INITIAL_SETTINGS)).toBe(INITIAL_SETTINGS);
  });
});

describe("mergeOutputs", () => {
  it("keeps outputs only the older copy knew of", () => {
    const a = output("a.png", {});
    const b = output("b.png", {});
    const c = output("c.png", {});
    expect(mergeOutputs(cutout([a, b]), cutout([a, c])).outputs.map((o) => o.name)).toEqual([
      "a.png",
      "c.png",
      "b.png",
    ]);
  });
});

describe("downloads", () => {
  it("names the file after the photo", () => {
    expect(downloadName("Beach day.HEIC", "image", "webp")).toBe("Beach day-cutout.webp");
    expect(downloadName("beach.jpg", "mask", "webp")).toBe("beach-mask.png");
    expect(downloadName('a/b:c*"d.png', "image", "png")).toBe("a-b-c-d-cutout.png");
    expect(downloadName("tab\there.png", "image", "png")).toBe("tab-here-cutout.png");
    expect(downloadName(null, "image", "png")).toBe("cutout-cutout.png");
    expect(downloadName("...", "image", "png")).toBe("cutout-cutout.png");
  });

  it("asks this origin for the file as an attachment", () => {
    expect(downloadHref("http://api.example/api/cutouts/c1/x.png", "beach cut.png")).toBe(
      "/api/cutouts/c1/x.png?download=beach%20cut.png",
    );
  });
});

describe("cssBackgroundOf", () => {
  it("paints colours and gradients as the server does", () => {
    expect(cssBackgroundOf(settings({ background: "color", color: "#abcdef" }))).toBe("#abcdef");
    expect(cssBackgroundOf(settings({ background: "gradient" }))).toBe(
      "linear-gradient(135deg, #6366f1, #ec4899)",
    );
    expect(cssBackgroundOf(settings({ background: "blur" }))).toBeNull();
  });
});
