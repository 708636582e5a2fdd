/**
 * Measures the two rasterisers on real cards (every template, English and Chinese samples, and a
 * cover photo) per output format and encoder setting:
 * `npx tsx test/generate-pipeline-support/measure-rasterisers.ts [runs]`.
 * Single-threaded, as in the render pool, where parallelism comes from worker threads. Prints,
 * per candidate, the sum over the cards of each card's median time, and the summed output size.
 */
import { performance } from "node:perf_hooks";

import { Resvg } from "@resvg/resvg-js";
import sharp, { type Sharp } from "sharp";

import { composeCard, listTemplates, loadFonts } from "../../src/generate/engine";

const runs = Number(process.argv[2] ?? 9);
sharp.concurrency(1);
loadFonts({ cjk: "eager" });

async function photo(width: number, height: number) {
  const bytes = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#000000",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .blur(3)
    .jpeg({ quality: 90 })
    .toBuffer();
  return { mime: "image/jpeg" as const, base64: bytes.toString("base64"), width, height };
}

function cards(width: number, height: number, cover: Awaited<ReturnType<typeof photo>>) {
  const svgs: string[] = [];
  for (const template of listTemplates()) {
    for (const sample of [template.sample, template.sampleZh]) {
      const request = {
        templateId: template.id,
        width,
        height,
        theme: { preset: "gradient" as const },
      };
      svgs.push(composeCard({ ...request, fields: { ...sample }, images: {} }).svg);
    }
  }
  const article = listTemplates().find((t) => t.id === "article-cover");
  if (article) {
    svgs.push(
      composeCard({
        templateId: article.id,
        width,
        height,
        theme: { preset: "dark" },
        fields: { ...article.sample },
        images: { cover },
      }).svg,
    );
  }
  return svgs;
}

type Render = (svg: string, width: number, cardWidth: number) => Promise<Buffer>;

const viaSharp =
  (encode: (s: Sharp) => Sharp): Render =>
  (svg, width, cardWidth) =>
    encode(sharp(Buffer.from(svg), { density: (72 * width) / cardWidth })).toBuffer();

const viaResvg =
  (encode: ((s: Sharp) => Sharp) | "png"): Render =>
  (svg, width) => {
    const rendered = new Resvg(svg, {
      fitTo: { mode: "width", value: width },
      font: { loadSystemFonts: false },
    }).render();
    if (encode === "png") return Promise.resolve(rendered.asPng());
    return encode(
      sharp(rendered.pixels, {
        raw: { width: rendered.width, height: rendered.height, channels: 4, premultiplied: true },
      }),
    ).toBuffer();
  };

const candidates: Record<string, Render> = {
  "raw  sharp (render only)": viaSharp((s) => s.raw()),
  "raw  resvg (render only)": viaResvg((s) => s.raw()),
  "png  resvg asPng": viaResvg("png"),
  "png  sharp level6": viaSharp((s) => s.png({ compressionLevel: 6 })),
  "png  sharp level9": viaSharp((s) => s.png({ compressionLevel: 9 })),
  "png  resvg→sharp level6": viaResvg((s) => s.png({ compressionLevel: 6 })),
  "png  resvg→sharp level9": viaResvg((s) => s.png({ compressionLevel: 9 })),
  "png  sharp palette q90": viaSharp((s) => s.png({ palette: true, quality: 90 })),
  "webp sharp q82": viaSharp((s) => s.webp({ quality: 82 })),
  "webp sharp q82 effort2": viaSharp((s) => s.webp({ quality: 82, effort: 2 })),
  "webp resvg→sharp q82 effort2": viaResvg((s) => s.webp({ quality: 82, effort: 2 })),
  "jpeg sharp q90": viaSharp((s) => s.flatten().jpeg({ quality: 90 })),
  "jpeg sharp q90 mozjpeg": viaSharp((s) => s.flatten().jpeg({ quality: 90, mozjpeg: true })),
  "jpeg resvg→sharp q90": viaResvg((s) => s.flatten().jpeg({ quality: 90 })),
  "avif sharp q60 effort4": viaSharp((s) => s.avif({ quality: 60 })),
  "avif sharp q60 effort2": viaSharp((s) => s.avif({ quality: 60, effort: 2 })),
  "avif resvg→sharp q60 effort2": viaResvg((s) => s.avif({ quality: 60, effort: 2 })),
  "thumb sharp webp q75 400px": viaSharp((s) => s.webp({ quality: 75, effort: 2 })),
  "thumb resvg→sharp webp q75 400px": viaResvg((s) => s.webp({ quality: 75, effort: 2 })),
};

async function median(render: Render, svg: string, width: number, cardWidth: number) {
  let size = (await render(svg, width, cardWidth)).length; // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    size = (await render(svg, width, cardWidth)).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, size };
}

const cover = await photo(800, 600);
const width = 1200;
const svgs = cards(width, 630, cover);
for (const scale of [1, 2]) {
  console.log(
    `\n## ${svgs.length} cards of 1200×630 at scale ${scale} (sum of medians, ${runs} runs)`,
  );
  for (const [name, render] of Object.entries(candidates)) {
    const thumb = name.startsWith("thumb");
    if (thumb && scale === 2) continue;
    let ms = 0;
    let size = 0;
    for (const svg of svgs) {
      const m = await median(render, svg, thumb ? 400 : width * scale, width);
      ms += m.ms;
      size += m.size;
    }
    console.log(
      `${name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms ${(size / 1024).toFixed(0).padStart(7)} KiB`,
    );
  }
}
