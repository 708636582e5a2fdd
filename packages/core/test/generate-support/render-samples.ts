/**
 * Renders every template × {English, Chinese, emoji-heavy} sample × size preset (and, with
 * `--all-themes`, every theme) to PNG with resvg, for looking at the designs:
 * `npx tsx test/generate-support/render-samples.ts [outDir] [--all-themes] [--images]`.
 * `--images` also fills the templates' image fields with a generated picture.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { Resvg } from "@resvg/resvg-js";

import { SIZE_PRESETS, type EmbeddedImage } from "../../src/generate/card";
import { composeCard, listTemplates, loadFonts, THEME_PRESETS } from "../../src/generate/engine";

const args = process.argv.slice(2);
const outDir = args.find((a) => !a.startsWith("--")) ?? "/tmp/card-samples";
const themes = args.includes("--all-themes") ? THEME_PRESETS : (["light"] as const);
const withImages = args.includes("--images");

const EMOJI_SAMPLES: Record<string, Record<string, unknown>> = {
  quote: {
    quote: "Ship it 🚀🔥 then iterate 🔁✨ Teams 👩🏽‍💻👨🏻‍💻 that ship weekly win 🏆 🇯🇵🇧🇷🇫🇷",
    author: "Emoji Fan 😎",
    source: "Keycaps 1️⃣2️⃣3️⃣ #️⃣ and hearts ❤️‍🔥💜",
  },
  "article-cover": {
    title: "The 10 emoji of 2025 🎉🥳🔥",
    description: "Families 👨‍👩‍👧‍👦, flags 🇨🇳🇺🇸🏴󠁧󠁢󠁳󠁣󠁴󠁿, skin tones 👍🏻👍🏿 and keycaps 🔟 — all in colour.",
    category: "Trends 📈",
    site: "Emojipedia-ish 🌍",
    author: "Zoë 🧑🏼‍🎨",
    date: "2025 ⏰",
  },
  announcement: {
    eyebrow: "Party 🎈",
    headline: "Launch party 🎂🥂 tonight at the office 🏢",
    details:
      "Pizza 🍕, cake 🍰, music 🎶 and demos 💻. Bring friends 👯 and your best dance moves 🕺💃.",
    date: "Friday 🗓️ 7 pm",
    location: "Rooftop ☀️🌇",
    cta: "RSVP ✅",
  },
  "profile-stats": {
    name: "Emoji Queen 👑",
    handle: "@emoji_✨",
    bio: "Collector of 🦄 unicorns, 🌈 rainbows and ☕ coffee. 中文也可以 😄",
    stats: [
      { value: "🔥 12k", label: "Streak 🔥" },
      { value: "⭐ 4.9", label: "Rating" },
      { value: "❤️ 88k", label: "Likes" },
    ],
  },
};

/** A synthetic photo (gradient with shapes) as PNG, so image slots can be checked. */
function picture(width: number, height: number): EmbeddedImage {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="a" x2="1" y2="1"><stop offset="0" stop-color="#f97316"/><stop offset="1" stop-color="#7c3aed"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#a)"/><circle cx="${width * 0.35}" cy="${height * 0.4}" r="${Math.min(width, height) * 0.22}" fill="#fde68a"/><path d="M0 ${height} L${width * 0.45} ${height * 0.55} L${width * 0.7} ${height * 0.8} L${width} ${height * 0.5} V${height} Z" fill="#1e1b4b" opacity="0.8"/></svg>`;
  const png = new Resvg(svg).render().asPng();
  return { mime: "image/png", base64: png.toString("base64"), width, height };
}

const timing = loadFonts();
console.log(`fonts: ${timing.ms.toFixed(1)} ms, ${timing.faces} faces (CJK ${timing.cjk})`);
mkdirSync(outDir, { recursive: true });
const photo = withImages ? picture(800, 600) : undefined;

for (const template of listTemplates()) {
  const samples: [string, Record<string, unknown>][] = [
    ["en", template.sample],
    ["zh", template.sampleZh],
    ["emoji", EMOJI_SAMPLES[template.id] ?? template.sample],
  ];
  const images: Record<string, EmbeddedImage> = {};
  if (photo) for (const field of template.imageFields) images[field] = photo;
  for (const theme of themes) {
    for (const [sampleName, fields] of samples) {
      for (const [sizeName, size] of Object.entries(SIZE_PRESETS)) {
        const started = performance.now();
        const card = composeCard({
          templateId: template.id,
          fields: {
            ...fields,
            ...(photo ? Object.fromEntries(template.imageFields.map((f) => [f, "sample"])) : {}),
          },
          width: size.width,
          height: size.height,
          theme: { preset: theme },
          images,
        });
        const composed = performance.now() - started;
        const png = new Resvg(card.svg, { font: { loadSystemFonts: false } }).render().asPng();
        const name = `${template.id}-${sampleName}-${sizeName}-${theme}${photo ? "-img" : ""}`;
        writeFileSync(join(outDir, `${name}.png`), png);
        const warnings = card.warnings.map((w) => `${w.code}(${w.field})`).join(" ");
        console.log(
          `${name.padEnd(44)} ${composed.toFixed(1).padStart(6)} ms ${String(card.svg.length).padStart(7)} B ${warnings}`,
        );
      }
    }
  }
}
