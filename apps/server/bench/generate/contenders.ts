// The three ways of producing the same card that the benchmark compares. Each is prepared once
// (what a warmed server has ready before its first request) and then renders a PNG per call.
import { composeCard, FONT_SET_ID, loadFonts } from "@genflow/core/generate";
import { Resvg } from "@resvg/resvg-js";
import satori from "satori";

import { fontsFor, TwemojiAssets } from "./assets";
import { CARD_SIZE, caseFields, composeRequest, type BenchCase } from "./cases";
import { pipelineRenderer } from "./genflow-pipeline";
import type { ContenderId } from "./protocol";
import { satoriCard } from "./satori-cards";

export interface Prepared {
  /** Renders the card once more; resolves to the PNG. */
  render(): Promise<Uint8Array>;
  close(): Promise<void>;
  /** What was prepared, for the report (fonts given to satori, what renders GenFlow's card). */
  details: Record<string, unknown>;
}

/** resvg as @vercel/og calls it: the SVG's own size, no system fonts (text is already outlines). */
const RESVG_OPTIONS = {
  fitTo: { mode: "original" },
  font: { loadSystemFonts: false },
} as const;

/** (a) GenFlow's cold render through its render pipeline (see genflow-pipeline.ts). */
function genflow(c: BenchCase, threads = 1): Prepared {
  const request = composeRequest(c);
  const renderer = pipelineRenderer(threads);
  return {
    render: () => renderer.render(request),
    close: () => renderer.close(),
    details: { renderer: renderer.description, fontSet: FONT_SET_ID },
  };
}

/**
 * (b) What @vercel/og does: the card as a satori element tree → SVG (text as paths, emoji from
 * `loadAdditionalAsset`) → resvg → PNG. The fonts are read and handed to satori once, in one
 * array that is reused, so satori parses them on the first render only; emoji data URLs are
 * cached after their first use. The element tree is built per render, as a route's JSX is.
 */
function satoriResvg(c: BenchCase): Prepared {
  const fields = caseFields(c);
  const card = satoriCard(c, fields);
  const selection = fontsFor(card.runs);
  const emoji = new TwemojiAssets();
  const missingEmoji = new Set<string>();
  const options = {
    ...CARD_SIZE,
    fonts: selection.fonts,
    loadAdditionalAsset: (code: string, segment: string) => {
      if (code !== "emoji") return Promise.resolve([]);
      const url = emoji.dataUrl(segment);
      if (!url) missingEmoji.add(segment);
      return Promise.resolve(url ?? "");
    },
  };
  return {
    render: async () => {
      const svg = await satori(satoriCard(c, fields, selection.fontFamily).element, options);
      return new Resvg(svg, RESVG_OPTIONS).render().asPng();
    },
    close: () => Promise.resolve(),
    details: {
      fontFiles: selection.files,
      fontBytes: selection.bytes,
      fontSizes: card.fontSizes,
      get missingEmoji() {
        return [...missingEmoji];
      },
    },
  };
}

/** (c) The floor: resvg rasterising GenFlow's finished SVG (composed once, before timing). */
function resvgFloor(c: BenchCase): Prepared {
  loadFonts();
  const card = composeCard(composeRequest(c));
  return {
    render: () => Promise.resolve(new Resvg(card.svg, RESVG_OPTIONS).render().asPng()),
    close: () => Promise.resolve(),
    details: { svgBytes: Buffer.byteLength(card.svg) },
  };
}

/** `threads` selects GenFlow's worker pool (scaling runs) instead of its in-process render. */
export function prepare(id: ContenderId, c: BenchCase, threads?: number): Promise<Prepared> {
  switch (id) {
    case "genflow":
      return Promise.resolve(genflow(c, threads));
    case "satori":
      return Promise.resolve(satoriResvg(c));
    case "resvg":
      return Promise.resolve(resvgFloor(c));
  }
}
