import { setTimeout } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { BroadcastChannel } from "node:worker_threads";

import { Resvg } from "@resvg/resvg-js";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DomainError } from "../src/errors";
import type { ImageFormat } from "../src/generate/card";
import { composeCard, listTemplates } from "../src/generate/engine";
import type { CardRenderer, RenderJob } from "../src/generate/ports";
import { encodeRgbaPng } from "../src/generate/render/png";
import { createCardRenderer } from "../src/generate/render/pool";
import { rasterise } from "../src/generate/render/rasterise";
import { createRenderHandler, renderStopFlag, stopRender } from "../src/generate/render/task";
import { sourceRenderWorker, workerScript } from "../src/generate/render/worker-script";
import { waitFor } from "./adapters-helpers";
import { CHURN_CHANNEL, type ChurnMessage } from "./generate-pipeline-support/churn-worker";
import { formatOf } from "./generate-pipeline-support/formats";
import { RecordingMetrics } from "./generate-pipeline-support/fixtures";
import { pixelBombPng } from "./generate-pipeline-support/images";
import { renderGate } from "./generate-pipeline-support/render-gate";
import { composeSampleCard, sampleCardSvg } from "./generate-pipeline-support/sample-card";

const sampleWorker = workerScript(
  fileURLToPath(new URL("./generate-pipeline-support/sample-worker.ts", import.meta.url)),
);
const churnWorker = workerScript(
  fileURLToPath(new URL("./generate-pipeline-support/churn-worker.ts", import.meta.url)),
);

const RASTER_FORMATS = ["png", "webp", "jpeg", "avif"] as const;

function job(format: ImageFormat, fields: Record<string, unknown> = {}): RenderJob {
  return {
    card: {
      templateId: "sample",
      fields: { title: "Hello", ...fields },
      width: 600,
      height: 315,
      theme: { preset: "light" },
    },
    images: {},
    format,
    scale: 1,
    quality: 80,
  };
}

async function expectDomainError(promise: Promise<unknown>, code: string): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

describe("rasterise", () => {
  const svg = sampleCardSvg({ width: 600, height: 315 });

  for (const format of RASTER_FORMATS) {
    for (const scale of [1, 2]) {
      it(`writes ${format} at scale ${scale} with the format's signature and the scaled size`, async () => {
        const raster = await rasterise(svg, {
          format,
          width: 600,
          height: 315,
          scale,
          quality: 80,
        });
        expect(formatOf(raster.bytes)).toBe(format);
        const meta = await sharp(raster.bytes).metadata();
        expect([meta.width, meta.height]).toEqual([600 * scale, 315 * scale]);
        expect([raster.width, raster.height]).toEqual([600 * scale, 315 * scale]);
        expect(raster.rasteriser).toBe("resvg");
      });
    }
  }

  it("passes SVG output through unchanged", async () => {
    const raster = await rasterise(svg, {
      format: "svg",
      width: 600,
      height: 315,
      scale: 2,
      quality: 100,
    });
    expect(Buffer.from(raster.bytes).toString("utf8")).toBe(svg);
    expect(formatOf(raster.bytes)).toBe("svg");
    expect([raster.width, raster.height]).toEqual([600, 315]);
    expect(raster.rasteriser).toBeUndefined();
  });

  it("quantises PNG to a palette below quality 100 and keeps it lossless at 100", async () => {
    const options = {
      format: "png",
      width: 600,
      height: 315,
      scale: 1,
    } as const;
    const lossless = await rasterise(svg, { ...options, quality: 100 });
    const palette = await rasterise(svg, { ...options, quality: 80 });
    expect((await sharp(lossless.bytes).metadata()).isPalette).toBe(false);
    expect((await sharp(palette.bytes).metadata()).isPalette).toBe(true);
  });

  it("encodes an opaque card losslessly, pixel for pixel what resvg draws", async () => {
    const [template] = listTemplates();
    if (!template) throw new Error("no templates");
    const card = composeCard({
      templateId: template.id,
      fields: { ...template.sample },
      width: 600,
      height: 315,
      theme: { preset: "gradient" },
      images: {},
    });
    const raster = await rasterise(card.svg, {
      format: "png",
      width: 600,
      height: 315,
      scale: 1,
      quality: 100,
    });
    expect(raster.rasteriser).toBe("resvg");
    const { data, info } = await sharp(raster.bytes).raw().toBuffer({ resolveWithObject: true });
    const reference = new Resvg(card.svg, { font: { loadSystemFonts: false } }).render().pixels;
    expect(reference.length).toBe(600 * 315 * 4);
    const channels = info.channels;
    let differing = 0;
    for (let i = 0, j = 0; j < reference.length; i += channels, j += 4) {
      if (
        data[i] !== reference[j] ||
        data[i + 1] !== reference[j + 1] ||
        data[i + 2] !== reference[j + 2] ||
        (channels === 4 && data[i + 3] !== 255)
      ) {
        differing += 1;
      }
    }
    expect(differing).toBe(0);
  });

  it("drops the alpha channel of an opaque card where the encoder would otherwise keep it", async () => {
    const svg = sampleCardSvg({ width: 600, height: 315 });
    const options = { width: 600, height: 315, scale: 1 } as const;
    const webp = await rasterise(svg, { ...options, format: "webp", quality: 80 });
    const palette = await rasterise(svg, { ...options, format: "png", quality: 80 });
    expect((await sharp(webp.bytes).metadata()).hasAlpha).toBe(false);
    expect((await sharp(palette.bytes).metadata()).hasAlpha).toBe(false);
  });

  it("keeps the alpha channel of a drawing that is not opaque", async () => {
    const half = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="#ff0000"/></svg>`;
    const raster = await rasterise(half, {
      format: "png",
      width: 40,
      height: 20,
      scale: 1,
      quality: 100,
    });
    const { data, info } = await sharp(raster.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect([...data.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    expect(data[(info.width - 1) * 4 + 3]).toBe(0);
  });

  it("falls back to librsvg for an SVG that resvg refuses", async () => {
    // resvg requires the SVG namespace; librsvg does not.
    const bare = `<svg width="40" height="20"><rect width="40" height="20" fill="#ff0000"/></svg>`;
    const raster = await rasterise(bare, {
      format: "png",
      width: 40,
      height: 20,
      scale: 1,
      quality: 100,
    });
    expect(raster.rasteriser).toBe("librsvg");
    const { data } = await sharp(raster.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([255, 0, 0]);
  });
});

describe("encodeRgbaPng", () => {
  function pattern(width: number, height: number, seed: number): Buffer {
    const pixels = Buffer.alloc(width * height * 4);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 7 + seed * 13 + (i >> 5)) & 255;
    return pixels;
  }

  it("writes a PNG that decodes to exactly the pixels it was given, one size after another", async () => {
    for (const [width, height, seed] of [
      [301, 157, 1],
      [37, 11, 2],
      [1200, 630, 3],
      [5, 3, 4],
    ] as const) {
      const pixels = pattern(width, height, seed);
      const png = encodeRgbaPng(pixels, width, height);
      expect(formatOf(png)).toBe("png");
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([width, height, 4]);
      expect(Buffer.compare(data, pixels)).toBe(0);
    }
  });

  it("refuses pixels that do not match the size", () => {
    expect(() => encodeRgbaPng(Buffer.alloc(40), 3, 3)).toThrow();
  });
});

describe("render handler", () => {
  const card = job("png").card;

  it("stops at the first stage boundary after its flag is set", async () => {
    const composed: string[] = [];
    let stopDuringCompose: Int32Array<SharedArrayBuffer> | undefined;
    const handler = createRenderHandler({
      compose(request) {
        composed.push(String(request.fields.title));
        if (stopDuringCompose) stopRender(stopDuringCompose);
        return composeSampleCard(request);
      },
    });

    const before = renderStopFlag();
    stopRender(before);
    const skipped = await handler({ kind: "render", job: job("png"), stop: before });
    expect(skipped).toMatchObject({ ok: false, stopped: true });
    expect(composed).toEqual([]);

    stopDuringCompose = renderStopFlag();
    const cut = await handler({ kind: "render", job: job("png"), stop: stopDuringCompose });
    expect(cut).toMatchObject({ ok: false, stopped: true });
    expect(composed).toEqual([card.fields.title]);

    stopDuringCompose = undefined;
    const done = await handler({ kind: "render", job: job("png"), stop: renderStopFlag() });
    expect(done).toMatchObject({ ok: true, card: { mime: "image/png" } });
  });

  it("warms up once, before the first render when no warm-up task came first", async () => {
    let warmUps = 0;
    const handler = createRenderHandler({ compose: composeSampleCard, warm: () => warmUps++ });
    await handler({ kind: "render", job: job("png"), stop: renderStopFlag() });
    expect(await handler({ kind: "warm" })).toBeNull();
    await handler({ kind: "render", job: job("png"), stop: renderStopFlag() });
    expect(warmUps).toBe(1);
  });
});

describe("render pool", () => {
  it("renders a template card with the real engine in a worker thread started from sources", async () => {
    const renderer = createCardRenderer({ worker: sourceRenderWorker(), threads: 1 });
    try {
      const card = await renderer.render({
        card: {
          templateId: "quote",
          fields: { quote: "Ship it 🚀 今天", author: "Ada" },
          width: 1200,
          height: 630,
          theme: { preset: "dark" },
        },
        images: {},
        format: "png",
        scale: 2,
        quality: 100,
      });
      expect(formatOf(card.bytes)).toBe("png");
      expect([card.width, card.height]).toEqual([2400, 1260]);
      expect((await sharp(card.bytes).metadata()).width).toBe(2400);
      expect(card.mime).toBe("image/png");
      expect(card.warnings).toEqual([]);
    } finally {
      await renderer.close();
    }
  });

  describe("with a held thread", () => {
    let renderer: CardRenderer;
    const metrics = new RecordingMetrics();

    beforeAll(async () => {
      renderer = createCardRenderer({
        worker: sampleWorker,
        threads: 1,
        maxQueue: 1,
        avifThreads: 1,
        avifMaxQueue: 1,
        metrics,
      });
      // The thread is up and idle before the tests fill it.
      await renderer.render(job("png"));
    });
    afterAll(() => renderer.close());

    it("refuses a render past the bounded queue with LIMIT_EXCEEDED and a retry hint", async () => {
      const gate = renderGate();
      try {
        const running = renderer.render(job("png", { gate: gate.buffer }));
        await gate.started();
        const queued = renderer.render(job("webp"));
        expect(renderer.queued().standard).toBe(1);

        const refused = await expectDomainError(renderer.render(job("jpeg")), "LIMIT_EXCEEDED");
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.details).toMatchObject({ retryAfterMs: refused.retryAfterMs });
        expect(metrics.rejections).toContainEqual({ lane: "standard", reason: "queue_full" });

        // AVIF has a lane of its own, so a full standard lane does not hold it up.
        const avif = await renderer.render(job("avif"));
        expect(formatOf(avif.bytes)).toBe("avif");

        gate.open();
        expect(formatOf((await running).bytes)).toBe("png");
        expect(formatOf((await queued).bytes)).toBe("webp");
        expect(metrics.queueLengths).toContainEqual({ lane: "standard", length: 1 });
      } finally {
        gate.open();
      }
    });

    it("reports the worker's domain errors as DomainErrors with their details", async () => {
      const bomb = await pixelBombPng();
      const error = await expectDomainError(
        renderer.render({ ...job("png"), images: { cover: { mime: "image/png", bytes: bomb } } }),
        "PAYLOAD_TOO_LARGE",
      );
      expect(error.details).toMatchObject({ field: "cover", width: 8000, height: 8000 });
    });
  });

  it("draws a card once when several callers ask for the same key at once", async () => {
    const metrics = new RecordingMetrics();
    const renderer = createCardRenderer({ worker: sampleWorker, threads: 2, metrics });
    const gate = renderGate();
    try {
      const held = job("png", { gate: gate.buffer });
      const first = renderer.render(held, { key: "same" });
      await gate.started();
      // One caller of three goes away: the others still get the card.
      const leaving = new AbortController();
      const second = renderer.render(held, { key: "same", signal: leaving.signal });
      const third = renderer.render(held, { key: "same", signal: new AbortController().signal });
      leaving.abort(new Error("gone"));
      await expect(second).rejects.toThrow("gone");
      gate.open();
      const [a, c] = await Promise.all([first, third]);
      expect(c).toBe(a);
      expect(metrics.durations).toHaveLength(1);
      // Once done, the key renders afresh.
      await renderer.render(job("png"), { key: "same" });
      expect(metrics.durations).toHaveLength(2);
    } finally {
      gate.open();
      await renderer.close();
    }
  });

  it("stops a shared render once every caller has gone, keeping its thread busy until it does", async () => {
    const metrics = new RecordingMetrics();
    const renderer = createCardRenderer({ worker: sampleWorker, threads: 1, maxQueue: 0, metrics });
    const gate = renderGate();
    try {
      const held = job("png", { gate: gate.buffer });
      const callers = [new AbortController(), new AbortController()];
      const renders = callers.map((caller) =>
        renderer.render(held, { key: "gone", signal: caller.signal }),
      );
      await gate.started();
      for (const caller of callers) caller.abort(new Error("gone"));
      for (const render of renders) await expect(render).rejects.toThrow("gone");
      // The thread is not ended under the render: it still holds it, and the lane counts it.
      await expectDomainError(renderer.render(job("png")), "LIMIT_EXCEEDED");
      gate.open();
      await waitFor(
        async () => {
          try {
            return formatOf((await renderer.render(job("png"))).bytes) === "png";
          } catch (error) {
            if (error instanceof DomainError && error.code === "LIMIT_EXCEEDED") return false;
            throw error;
          }
        },
        10_000,
        "the thread to be free again",
      );
      // Only the render someone waited for was measured; the left one stopped before rasterising.
      expect(metrics.durations).toHaveLength(1);
    } finally {
      gate.open();
      await renderer.close();
    }
  });

  it("refuses a shared render to a caller already gone, starting nothing", async () => {
    const metrics = new RecordingMetrics();
    const renderer = createCardRenderer({ worker: sampleWorker, threads: 1, metrics });
    try {
      const gone = new AbortController();
      gone.abort(new Error("already gone"));
      await expect(
        renderer.render(job("png"), { key: "late", signal: gone.signal }),
      ).rejects.toThrow("already gone");
      expect(metrics.durations).toHaveLength(0);
      expect(formatOf((await renderer.render(job("png"), { key: "late" })).bytes)).toBe("png");
    } finally {
      await renderer.close();
    }
  });

  it("stops a render that runs past the timeout with TIMEOUT", async () => {
    const metrics = new RecordingMetrics();
    const renderer = createCardRenderer({ worker: sampleWorker, threads: 1, metrics });
    const gate = renderGate();
    try {
      const error = await expectDomainError(
        renderer.render(job("png", { gate: gate.buffer }), { timeoutMs: 300 }),
        "TIMEOUT",
      );
      expect(error.details).toEqual({ timeoutMs: 300 });
      expect(metrics.rejections).toEqual([{ lane: "standard", reason: "timeout" }]);
      // The thread finishes its stage, stops, and goes on rendering.
      gate.open();
      expect(formatOf((await renderer.render(job("png"))).bytes)).toBe("png");
    } finally {
      gate.open();
      await renderer.close();
    }
  });

  describe("never ends a thread in the middle of its work", () => {
    // Ending a thread from outside while it is inside zlib can abort the whole process (seen on Node 20);
    // the churn worker spends its warm-up and its renders in zlib and says when each one ends.
    let channel: BroadcastChannel;
    const seen: ChurnMessage[] = [];
    const count = (what: ChurnMessage["what"], event: ChurnMessage["event"]) =>
      seen.filter((m) => m.what === what && m.event === event).length;
    const reach = (what: ChurnMessage["what"], event: ChurnMessage["event"], n: number) =>
      waitFor(() => count(what, event) >= n, 10_000, `${what} ${event} #${n}`);

    beforeAll(() => {
      channel = new BroadcastChannel(CHURN_CHANNEL);
      channel.onmessage = (message) => seen.push((message as { data: ChurnMessage }).data);
    });
    afterAll(() => channel.close());

    it("closes only after the threads have warmed up", async () => {
      for (let round = 1; round <= 3; round++) {
        const renderer = createCardRenderer({ worker: churnWorker, threads: 2 });
        await reach("warm", "begin", round * 2 - 1);
        await setTimeout(Math.random() * 50);
        await renderer.close();
        // (Broadcast messages may arrive after the pool's own; a thread ended mid-churn never
        // sends its "end".)
        await reach("warm", "end", count("warm", "begin"));
      }
    });

    it("lets a render whose caller left, or whose time ran out, finish its stage", async () => {
      const renderer = createCardRenderer({ worker: churnWorker, threads: 1 });
      try {
        await reach("warm", "end", count("warm", "begin"));
        const before = count("render", "end");
        for (let round = 1; round <= 3; round++) {
          const caller = new AbortController();
          const render = renderer.render(job("png", { churnMs: 80 }), { signal: caller.signal });
          await reach("render", "begin", before + round);
          await setTimeout(Math.random() * 40);
          caller.abort(new Error("gone"));
          await expect(render).rejects.toThrow("gone");
          await reach("render", "end", before + round);
        }
        // The thread is idle, so this render starts at once and its time runs out mid-churn.
        await expectDomainError(
          renderer.render(job("png", { churnMs: 300 }), { timeoutMs: 100 }),
          "TIMEOUT",
        );
        await reach("render", "end", before + 4);
        expect(formatOf((await renderer.render(job("png"))).bytes)).toBe("png");
      } finally {
        await renderer.close();
      }
    });
  });

  it("refuses work once closed", async () => {
    const renderer = createCardRenderer({ worker: sampleWorker, threads: 1 });
    await renderer.close();
    await expectDomainError(renderer.render(job("png")), "UNAVAILABLE");
  });
});
