import { describe, expect, it } from "vitest";

import { EM, fontLibrary } from "../src/generate/fonts/font-library";
import { baselineOf, emojiBox, lineOffset } from "../src/generate/svg/text";
import { CardCanvas, type TextSlot } from "../src/generate/templates/canvas";
import {
  hexRgb,
  inkBands,
  inkBounds,
  inkPixels,
  rasterise,
  saturatedPixels,
} from "./generate-support/raster";

/** Golden checks on rendered pixels: text drawn by the engine lands where its layout says. */

const BG = "#ffffff";
const INK = "#111111";

function draw(
  slot: Partial<TextSlot> & Pick<TextSlot, "text" | "box">,
  size = { width: 800, height: 600 },
) {
  const canvas = new CardCanvas(size.width, size.height, fontLibrary(), {});
  canvas.rect({ x: 0, y: 0, ...size }, { fill: BG });
  const block = canvas.text({
    field: "text",
    maxSize: 48,
    minSize: 12,
    lineHeight: 1.3,
    weight: 400,
    color: INK,
    ...slot,
  });
  const svg = canvas.doc.serialize("test");
  return { canvas, block, svg, raster: rasterise(svg) };
}

describe("rendered text", () => {
  it("rasterises to the card's dimensions without any font", () => {
    const { raster, svg } = draw({ text: "Hello", box: { x: 10, y: 10, width: 300, height: 80 } });
    expect(raster.width).toBe(800);
    expect(raster.height).toBe(600);
    expect(svg).not.toContain("<text");
    expect(svg).not.toContain("font-family");
  });

  it("puts ink inside the text box and nowhere else", () => {
    const box = { x: 120, y: 100, width: 420, height: 260 };
    const { raster } = draw({
      text: "Share cards with real typography: kerning, wrapping and shrink-to-fit. 排版也支持中文。",
      box,
    });
    const bg = hexRgb(BG);
    expect(inkPixels(raster, bg, box)).toBeGreaterThan(2000);
    const bounds = inkBounds(raster, bg, { x: 0, y: 0, width: 800, height: 600 });
    expect(bounds).toBeDefined();
    expect(bounds?.minX).toBeGreaterThanOrEqual(box.x - 1);
    expect(bounds?.maxX).toBeLessThanOrEqual(box.x + box.width + 1);
    expect(bounds?.minY).toBeGreaterThanOrEqual(box.y - 1);
    expect(bounds?.maxY).toBeLessThanOrEqual(box.y + box.height + 1);
  });

  it("wraps a Chinese paragraph into several lines inside its box", () => {
    const box = { x: 50, y: 40, width: 300, height: 500 };
    const { raster, block } = draw({
      text: "我们如何用真实的字体度量排版文字，把文字绘制成轮廓，让任何光栅化器都能画出相同的像素。",
      box,
      maxSize: 32,
      minSize: 32,
      lineHeight: 1.6,
    });
    const bands = inkBands(raster, hexRgb(BG), box);
    expect(block.layout.lines.length).toBeGreaterThanOrEqual(4);
    expect(bands).toHaveLength(block.layout.lines.length);
    // Each band sits on its line: the baseline is inside or just below the band.
    bands.forEach(([top, bottom], i) => {
      const baseline = block.y + baselineOf(block.layout, i);
      expect(baseline).toBeGreaterThan(top);
      expect(baseline).toBeLessThan(bottom + 32 * 0.2);
    });
  });

  it("aligns Latin and CJK on one baseline", () => {
    const box = { x: 20, y: 20, width: 760, height: 100 };
    const { raster, block } = draw({ text: "HHHH中中中中", box, maxSize: 60, minSize: 60 });
    const bg = hexRgb(BG);
    const line = block.layout.lines[0];
    const split = box.x + ((line?.items[1]?.x ?? 0) * 60) / EM;
    const latin = inkBounds(raster, bg, { x: box.x, y: box.y, width: split - box.x, height: 100 });
    const cjk = inkBounds(raster, bg, { x: split, y: box.y, width: 400, height: 100 });
    const baseline = block.y + baselineOf(block.layout, 0);
    // "H" sits on the baseline; ideographs descend ~0.12 em below it and rise ~0.88 em above.
    expect(Math.abs((latin?.maxY ?? 0) - baseline)).toBeLessThanOrEqual(2);
    expect((cjk?.maxY ?? 0) - baseline).toBeGreaterThan(0);
    expect((cjk?.maxY ?? 0) - baseline).toBeLessThan(60 * 0.15);
    expect(Math.abs((cjk?.minY ?? 0) - (latin?.minY ?? 0))).toBeLessThan(60 * 0.2);
  });

  it("draws emoji in colour where the layout puts them", () => {
    const box = { x: 40, y: 60, width: 700, height: 120 };
    const size = 64;
    const { raster, block } = draw({ text: "Launch 🚀 now", box, maxSize: size, minSize: size });
    const line = block.layout.lines[0];
    const placed = line?.items.find((p) => p.item.kind === "emoji");
    expect(placed).toBeDefined();
    const em = emojiBox(placed?.x ?? 0);
    const left = box.x + lineOffset(block.layout, 0, box.width, "start") + (em.x * size) / EM;
    const top = block.y + baselineOf(block.layout, 0) + (em.y * size) / EM;
    const side = (em.size * size) / EM;
    const inside = saturatedPixels(raster, { x: left, y: top, width: side, height: side });
    expect(inside).toBeGreaterThan(side * side * 0.2);
    // The words around it are drawn in the (grey) text colour.
    const before = saturatedPixels(raster, {
      x: box.x,
      y: box.y,
      width: left - box.x - 2,
      height: box.height,
    });
    expect(before).toBe(0);
  });

  it("centres and end-aligns lines within the box", () => {
    const box = { x: 100, y: 100, width: 600, height: 80 };
    const bg = hexRgb(BG);
    const centre = inkBounds(draw({ text: "Centred", box, align: "center" }).raster, bg, box);
    const end = inkBounds(draw({ text: "End", box, align: "end" }).raster, bg, box);
    expect(Math.abs(((centre?.minX ?? 0) + (centre?.maxX ?? 0)) / 2 - 400)).toBeLessThan(4);
    expect(box.x + box.width - (end?.maxX ?? 0)).toBeLessThan(6);
  });

  it("draws a visible placeholder for characters no font has", () => {
    const box = { x: 20, y: 20, width: 300, height: 80 };
    const { raster, block, svg } = draw({ text: "த", box });
    expect(block.layout.missing).toEqual(["த"]);
    expect(svg).toContain('d="M80-700H520V0H80ZM130-650V-50H470V-650Z"');
    expect(inkPixels(raster, hexRgb(BG), box)).toBeGreaterThan(50);
  });
});
