import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  BUILT_IN_TIERS,
  builtInModelConfig,
  createCutoutEngine,
  cutoutImage,
  decodePhoto,
  ensureBuiltInModel,
  sourceCutoutWorker,
  type CutoutDeps,
  type CutoutEngine,
} from "../src/cutout";
import { isDomainError } from "../src/errors";

/**
 * The cut-out pipeline with the real IS-Net models (assembled from their npm package into a
 * temporary folder), on pictures made here with known shapes.
 */
let modelDir: string;
let engine: CutoutEngine;
let deps: CutoutDeps;

beforeAll(async () => {
  modelDir = await mkdtemp(path.join(tmpdir(), "genflow-cutout-models-"));
  for (const id of Object.values(BUILT_IN_TIERS)) {
    await ensureBuiltInModel(id, path.join(modelDir, `${id}.onnx`));
  }
  engine = createCutoutEngine({ worker: sourceCutoutWorker(), threads: 2, timeoutMs: 120_000 });
  deps = {
    engine,
    models: {
      fast: builtInModelConfig(BUILT_IN_TIERS.fast, modelDir),
      quality: builtInModelConfig(BUILT_IN_TIERS.quality, modelDir),
    },
  };
}, 120_000);

afterAll(async () => {
  await engine.close();
  await rm(modelDir, { recursive: true, force: true });
});

/** A dark-red disc (the subject) on a pale, lightly textured background, and its true mask. */
async function discPhoto(width = 480, height = 320) {
  const cx = width * 0.4;
  const cy = height * 0.55;
  const r = Math.min(width, height) * 0.28;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#e8eef2"/><stop offset="1" stop-color="#cfd8dc"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${cx}" cy="${cy}" r="${r}" fill="#b71c1c"/>
    <circle cx="${cx - r * 0.3}" cy="${cy - r * 0.3}" r="${r * 0.25}" fill="#e57373"/>
  </svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
  const inside = (x: number, y: number) => (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r;
  return { jpeg, inside, width, height };
}

async function alphaOf(png: Buffer): Promise<{ alpha: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png)
    .ensureAlpha()
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { alpha: data, width: info.width, height: info.height };
}

function iou(alpha: Buffer, width: number, inside: (x: number, y: number) => boolean) {
  let both = 0;
  let either = 0;
  for (let i = 0; i < alpha.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    const a = (alpha[i] ?? 0) >= 128;
    const b = inside(x, y);
    if (a && b) both += 1;
    if (a || b) either += 1;
  }
  return both / either;
}

/** The start of a PNG that claims `width`×`height` pixels (8-bit grey). */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // A first row of image data, and no more: enough to be read as a PNG, nowhere near all of it.
  const data = deflateSync(Buffer.alloc(1 + width));
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", data)]);
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

describe("built-in models", () => {
  it("assembles each model from its package's chunks to the published hash, once", async () => {
    const file = path.join(modelDir, "isnet-small.onnx");
    expect((await stat(file)).size).toBe(44_342_436);
    expect(await ensureBuiltInModel("isnet-small", file)).toEqual({ assembled: false });
    // A damaged file is put right.
    await writeFile(file, "not a model");
    expect(await ensureBuiltInModel("isnet-small", file)).toEqual({ assembled: true });
    expect((await stat(file)).size).toBe(44_342_436);
  }, 60_000);
});

describe("cutoutImage", () => {
  it("cuts the subject out onto transparency, at the photo's size", async () => {
    const photo = await discPhoto();
    const result = await cutoutImage(deps, { bytes: photo.jpeg });
    expect(result).toMatchObject({
      contentType: "image/png",
      width: 480,
      height: 320,
      model: "isnet-medium",
    });
    const { alpha, width } = await alphaOf(result.bytes);
    expect(iou(alpha, width, photo.inside)).toBeGreaterThan(0.9);
    expect(result.timings.inferMs).toBeGreaterThan(0);
    // Where the subject shows, the photo's own colours; where nothing shows, black.
    const rgba = await sharp(result.bytes).raw().toBuffer();
    const original = await sharp(photo.jpeg).removeAlpha().raw().toBuffer();
    let shown = 0;
    let hidden = 0;
    for (let i = 0; i < alpha.length; i++) {
      const colour = rgba.subarray(i * 4, i * 4 + 3);
      if (alpha[i] === 255) {
        shown += 1;
        expect(colour).toEqual(original.subarray(i * 3, i * 3 + 3));
      } else if (alpha[i] === 0) {
        hidden += 1;
        expect([...colour]).toEqual([0, 0, 0]);
      }
    }
    expect(shown).toBeGreaterThan(10_000);
    expect(hidden).toBeGreaterThan(10_000);
  }, 120_000);

  it("answers the mask alone as an 8-bit grey PNG", async () => {
    const photo = await discPhoto();
    const result = await cutoutImage(deps, { bytes: photo.jpeg, options: { output: "mask" } });
    const meta = await sharp(result.bytes).metadata();
    expect(meta).toMatchObject({ format: "png", channels: 1, width: 480, height: 320 });
    const grey = await sharp(result.bytes).extractChannel(0).raw().toBuffer();
    expect(iou(grey, 480, photo.inside)).toBeGreaterThan(0.9);
  }, 120_000);

  it("runs the fast tier on the small model", async () => {
    const photo = await discPhoto();
    const result = await cutoutImage(deps, {
      bytes: photo.jpeg,
      options: { output: "mask", tier: "fast" },
    });
    expect(result.model).toBe("isnet-small");
    const grey = await sharp(result.bytes).extractChannel(0).raw().toBuffer();
    // The quantised small model finds the disc but leaves specks on a plain background.
    expect(grey[Math.round(320 * 0.55) * 480 + Math.round(480 * 0.4)]).toBeGreaterThan(200);
    expect(iou(grey, 480, photo.inside)).toBeGreaterThan(0.4);
  }, 120_000);

  it("puts the subject on a colour, cropped to it with a margin, as WebP", async () => {
    const photo = await discPhoto();
    const result = await cutoutImage(deps, {
      bytes: photo.jpeg,
      options: {
        background: { type: "color", color: "#2563eb" },
        crop: { margin: 0.1 },
        format: "webp",
      },
    });
    expect(result.contentType).toBe("image/webp");
    const meta = await sharp(result.bytes).metadata();
    expect(meta.format).toBe("webp");
    // The disc is 179 px across; with 10% on each side the crop is about 215 px.
    expect(result.width).toBeGreaterThan(190);
    expect(result.width).toBeLessThan(240);
    const corner = await sharp(result.bytes)
      .extract({ left: 1, top: 1, width: 1, height: 1 })
      .removeAlpha()
      .raw()
      .toBuffer();
    const expected = [0x25, 0x63, 0xeb];
    [...corner].forEach((value, channel) => {
      expect(Math.abs(value - (expected[channel] ?? 0))).toBeLessThan(12);
    });
  }, 120_000);

  it("turns an EXIF-rotated photo upright before cutting it out", async () => {
    const photo = await discPhoto();
    // Stored sideways, with orientation 6 (rotate 90° clockwise to view).
    const sideways = await sharp(photo.jpeg)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(await sharp(sideways).metadata()).toMatchObject({
      width: 320,
      height: 480,
      orientation: 6,
    });
    const result = await cutoutImage(deps, { bytes: sideways, options: { output: "mask" } });
    expect([result.width, result.height]).toEqual([480, 320]);
    const grey = await sharp(result.bytes).extractChannel(0).raw().toBuffer();
    expect(iou(grey, 480, photo.inside)).toBeGreaterThan(0.85);
  }, 120_000);

  it("keeps what the photo's own alpha made transparent", async () => {
    const photo = await discPhoto();
    // The right half of the photo is already transparent.
    const half = Buffer.alloc(480 * 320, 255);
    for (let y = 0; y < 320; y++) half.fill(0, y * 480 + 240, y * 480 + 480);
    const png = await sharp(photo.jpeg)
      .joinChannel(half, { raw: { width: 480, height: 320, channels: 1 } })
      .png()
      .toBuffer();
    const result = await cutoutImage(deps, { bytes: png });
    const { alpha } = await alphaOf(result.bytes);
    let rightHalf = 0;
    for (let y = 0; y < 320; y++)
      for (let x = 240; x < 480; x++) rightHalf = Math.max(rightHalf, alpha[y * 480 + x] ?? 0);
    expect(rightHalf).toBe(0);
  }, 120_000);

  it("refuses what is not a photo it can read, before running the model", async () => {
    const truncated = (await discPhoto()).jpeg.subarray(0, 2_000);
    const text = Buffer.from("this is a text file named photo.png");
    // A PNG whose header claims 30000×30000 pixels.
    const bomb = pngHeader(30_000, 30_000);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty/],
      [text, /not an image/],
      [truncated, /damaged|cut short|not an image/],
      [bomb, /megapixels/],
    ];
    for (const [bytes, message] of cases) {
      const error = await refusal(cutoutImage(deps, { bytes }));
      expect(isDomainError(error) && error.code).toBe("VALIDATION");
      expect((error as Error).message).toMatch(message);
    }
    const badOptions = await refusal(
      cutoutImage(deps, {
        bytes: text,
        options: { background: { type: "color", color: "blue" } } as never,
      }),
    );
    expect(isDomainError(badOptions) && badOptions.code).toBe("VALIDATION");
  }, 120_000);
});

describe("decodePhoto", () => {
  const base = () =>
    sharp({ create: { width: 60, height: 40, channels: 3, background: "#3366cc" } });

  it("reads every photo format it names, upright and as 8-bit RGB", async () => {
    const rotated = await base().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const sixteenBit = await base().toColourspace("rgb16").png().toBuffer();
    const cmyk = await base().toColourspace("cmyk").jpeg().toBuffer();
    const frames = await sharp({
      create: { width: 60, height: 80, channels: 4, background: "#3366cc" },
    })
      .gif()
      .toBuffer();
    const photos: [string, Buffer, number, number][] = [
      ["jpeg", await base().jpeg().toBuffer(), 60, 40],
      ["EXIF-rotated jpeg", rotated, 40, 60],
      ["16-bit png", sixteenBit, 60, 40],
      ["cmyk jpeg", cmyk, 60, 40],
      ["webp", await base().webp().toBuffer(), 60, 40],
      ["avif", await base().avif().toBuffer(), 60, 40],
      ["tiff", await base().tiff().toBuffer(), 60, 40],
      ["gif", frames, 60, 80],
    ];
    for (const [name, bytes, width, height] of photos) {
      const photo = await decodePhoto(bytes);
      expect({ name, width: photo.width, height: photo.height }).toEqual({ name, width, height });
      expect(photo.rgb.length).toBe(width * height * 3);
      // (The GIF is made with an alpha channel; the others have none.)
      if (name !== "gif") expect({ name, alpha: photo.alpha }).toEqual({ name, alpha: null });
      const [r, g, b] = photo.rgb;
      expect({ name, blue: (b ?? 0) > (r ?? 0) && (b ?? 0) > (g ?? 0) }).toEqual({
        name,
        blue: true,
      });
    }
  });

  it("keeps a photo's own alpha apart from its colours (grey with alpha too)", async () => {
    const half = Buffer.alloc(30 * 20, 255);
    half.fill(0, 0, 30 * 10);
    for (const channels of [1, 3] as const) {
      const colour = Buffer.alloc(30 * 20 * channels, 200);
      const png = await sharp(colour, { raw: { width: 30, height: 20, channels } })
        .joinChannel(half, { raw: { width: 30, height: 20, channels: 1 } })
        .png()
        .toBuffer();
      const photo = await decodePhoto(png);
      expect(photo.rgb.length).toBe(30 * 20 * 3);
      expect([...photo.rgb.subarray(0, 3)]).toEqual([200, 200, 200]);
      expect(photo.alpha?.length).toBe(30 * 20);
      expect([photo.alpha?.[0], photo.alpha?.[30 * 20 - 1]]).toEqual([0, 255]);
    }
  });

  it("takes an animation's first frame", async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 20, height: 20, channels: 3, background: colour } })
        .raw()
        .toBuffer();
    const strip = Buffer.concat([await frame("#ff0000"), await frame("#00ff00")]);
    const gif = await sharp(strip, { raw: { width: 20, height: 40, channels: 3, pageHeight: 20 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const photo = await decodePhoto(gif);
    expect([photo.width, photo.height]).toEqual([20, 20]);
    expect([...photo.rgb.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it("refuses pictures that are not photos", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const error = await refusal(decodePhoto(svg));
    expect(isDomainError(error) && error.code).toBe("VALIDATION");
  });
});

describe("the engine's queue", () => {
  it("runs every photo when they stay within the queue", async () => {
    const model = builtInModelConfig(BUILT_IN_TIERS.fast, modelDir);
    const results = await Promise.all(
      [1, 2, 3].map(() => engine.segment(model, new Uint8Array(1024 * 1024 * 3).fill(90))),
    );
    for (const result of results) expect(result.mask.length).toBe(1024 * 1024);
  }, 120_000);

  it("answers TIMEOUT past the deadline without stopping ONNX Runtime mid-run, and skips a photo whose caller has gone", async () => {
    // 50 ms: the model's load alone takes longer, so the first photo times out while its thread
    // is deep in native code, and the second while it waits.
    const hurried = createCutoutEngine({ worker: sourceCutoutWorker(), threads: 1, timeoutMs: 50 });
    const model = builtInModelConfig(BUILT_IN_TIERS.fast, modelDir);
    const image = () => new Uint8Array(1024 * 1024 * 3).fill(120);
    const outcomes = await Promise.allSettled([
      hurried.segment(model, image()),
      hurried.segment(model, image()),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      expect(outcome.status === "rejected" && outcome.reason).toMatchObject({ code: "TIMEOUT" });
    }
    // Closing lets the running inference finish in its thread; the process lives on.
    await hurried.close();
    expect(hurried.stats().running).toBe(0);
  }, 120_000);

  it("refuses images past its queue with LIMIT_EXCEEDED and a retry hint", async () => {
    // No deadline: this is about the queue, and an image may take long on a busy machine.
    const small = createCutoutEngine({
      worker: sourceCutoutWorker(),
      threads: 1,
      maxQueue: 1,
      timeoutMs: 3_600_000,
    });
    try {
      const model = builtInModelConfig(BUILT_IN_TIERS.fast, modelDir);
      const image = () => new Uint8Array(1024 * 1024 * 3).fill(200);
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => small.segment(model, image())));
      const refused = outcomes.filter((o) => o.status === "rejected");
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const o of refused) {
        expect(o.reason).toMatchObject({ code: "LIMIT_EXCEEDED" });
        expect((o.reason as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
      }
      expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    } finally {
      await small.close();
    }
  }, 600_000);
});
