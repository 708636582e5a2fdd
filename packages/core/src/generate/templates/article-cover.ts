import { z } from "zod";

import type { CardCanvas, TextBlock } from "./canvas";
import { imageRef, optionalText, titleText } from "./fields";
import { clamp, paintBackground, pill, pillHeight } from "./parts";
import { defineTemplate, type Frame } from "./template";
import type { Palette } from "./theme";

interface ArticleFields {
  title: string;
  description?: string;
  category?: string;
  site?: string;
  author?: string;
  date?: string;
}

/**
 * The footer line: a small accent mark, the site name in bold, then "author · date"; returns
 * its height.
 */
function footer(
  canvas: CardCanvas,
  fields: ArticleFields,
  palette: Palette,
  at: { x: number; bottom: number; width: number; size: number },
): number {
  const meta = [fields.author, fields.date].filter(Boolean).join("  ·  ");
  if (!fields.site && !meta) return 0;
  const lineHeight = at.size * 1.6;
  const top = at.bottom - lineHeight;
  let x = at.x;
  if (fields.site) {
    const dot = at.size * 0.9;
    canvas.rect(
      { x, y: top + (lineHeight - dot) / 2, width: dot, height: dot },
      { fill: palette.accent, radius: dot * 0.28 },
    );
    x += dot + at.size * 0.6;
    const site = canvas.text({
      field: "site",
      text: fields.site,
      box: { x, y: top, width: Math.max(at.size, at.x + at.width - x), height: lineHeight },
      maxSize: at.size,
      minSize: at.size * 0.8,
      lineHeight: 1.6,
      weight: 700,
      color: palette.foreground,
      maxLines: 1,
    });
    x += site.layout.width + at.size * 1.1;
  }
  if (meta && x < at.x + at.width - at.size * 4) {
    canvas.text({
      field: fields.author ? "author" : "date",
      text: meta,
      box: { x, y: top, width: at.x + at.width - x, height: lineHeight },
      maxSize: at.size,
      minSize: at.size * 0.8,
      lineHeight: 1.6,
      weight: 400,
      color: palette.muted,
      maxLines: 1,
    });
  }
  return lineHeight;
}

/**
 * Category pill, title and description stacked in `column`; the title takes the room the
 * description leaves, and the group sits at `align` (0 top, 0.5 middle, 1 bottom) of the column.
 */
function headline(
  canvas: CardCanvas,
  fields: ArticleFields,
  palette: Palette,
  frame: Frame,
  column: { x: number; y: number; width: number; height: number },
  align: number,
): void {
  const u = frame.unit;
  const pillSize = 1.9 * u;
  const pillSpace = fields.category ? pillHeight(pillSize) + 3.2 * u : 0;
  const gap = 2.6 * u;
  const room = column.height - pillSpace;
  const description: TextBlock | undefined = fields.description
    ? canvas.measure({
        field: "description",
        text: fields.description,
        box: { x: column.x, y: 0, width: column.width, height: room * 0.36 },
        maxSize: 3 * u,
        minSize: 2.1 * u,
        lineHeight: 1.42,
        weight: 400,
        color: palette.muted,
        maxLines: frame.orientation === "portrait" ? 5 : 3,
      })
    : undefined;
  const title = canvas.measure({
    field: "title",
    text: fields.title,
    box: {
      x: column.x,
      y: 0,
      width: column.width,
      height: Math.max(room - (description ? description.height + gap : 0), 4 * u),
    },
    maxSize: 8.2 * u,
    minSize: 3.2 * u,
    lineHeight: 1.13,
    weight: 700,
    color: palette.foreground,
    maxLines: 5,
  });
  const total = pillSpace + title.height + (description ? gap + description.height : 0);
  const top = column.y + Math.max(0, column.height - total) * align;
  if (fields.category) {
    pill(canvas, {
      field: "category",
      text: fields.category,
      x: column.x,
      y: top,
      size: pillSize,
      maxWidth: column.width,
      background: palette.accent,
      color: palette.onAccent,
      caps: true,
    });
  }
  canvas.text(title, top + pillSpace);
  if (description) canvas.text(description, top + pillSpace + title.height + gap);
}

/** An article's share image (Open Graph): category, title, description, byline, cover picture. */
export const articleCoverTemplate = defineTemplate({
  id: "article-cover",
  version: 1,
  name: "Article cover",
  description: "An Open Graph image for an article or blog post, with an optional cover picture.",
  fields: z.object({
    title: titleText(120),
    description: optionalText(300),
    category: optionalText(40),
    site: optionalText(60),
    author: optionalText(80),
    date: optionalText(40),
    cover: imageRef(),
  }),
  imageFields: ["cover"],
  defaults: {},
  sample: {
    title: "Rendering share cards in under ten milliseconds",
    description:
      "How we lay text out with real font metrics, draw it as outlines and let any rasteriser paint the same pixels.",
    category: "Engineering",
    site: "GenFlow Blog",
    author: "Ada Lovelace",
    date: "May 14, 2025",
  },
  sampleZh: {
    title: "十毫秒内渲染一张分享卡片 🚀",
    description:
      "我们如何用真实的字体度量排版文字，把文字绘制成轮廓，让任何光栅化器都能画出相同的像素。",
    category: "工程实践",
    site: "GenFlow 博客",
    author: "李雷",
    date: "2025年5月14日",
  },
  render({ fields, palette, frame, canvas }) {
    const { width: w, height: h, unit: u, margin: m } = frame;
    paintBackground(canvas, palette);
    const hasCover = canvas.hasImage("cover");
    const flat = palette.preset === "light" || palette.preset === "dark";
    const footerSize = clamp(2.4 * u, 12, 48);

    if (frame.orientation === "landscape") {
      const coverWidth = hasCover ? Math.round(w * 0.4) : 0;
      const columnRight = hasCover ? w - coverWidth - m : w - m;
      if (hasCover) {
        canvas.image("cover", {
          x: w - coverWidth - m * 0.5,
          y: m * 0.5,
          width: coverWidth,
          height: h - m,
          shape: "rect",
          radius: 2 * u,
        });
      } else {
        const r = h * 0.62;
        canvas.circle(w + r * 0.18, h + r * 0.12, r, { fill: palette.tint });
        canvas.circle(w + r * 0.18, h + r * 0.12, r * 0.62, { fill: palette.background });
      }
      if (flat) canvas.rect({ x: 0, y: 0, width: 1.1 * u, height: h }, { fill: palette.accent });
      const footerHeight = footer(canvas, fields, palette, {
        x: m,
        bottom: h - m,
        width: columnRight - m,
        size: footerSize,
      });
      const column = {
        x: m,
        y: m,
        width: columnRight - m,
        height: h - 2 * m - (footerHeight ? footerHeight + 3 * u : 0),
      };
      headline(canvas, fields, palette, frame, column, 0.5);
      return;
    }

    // Square and portrait: cover on top (or a decorative band), text below.
    let top = m;
    if (hasCover) {
      const coverHeight = Math.round(h * (frame.orientation === "portrait" ? 0.4 : 0.4));
      canvas.image("cover", {
        x: m * 0.5,
        y: m * 0.5,
        width: w - m,
        height: coverHeight,
        shape: "rect",
        radius: 2 * u,
      });
      top = m * 0.5 + coverHeight + m * 0.8;
    } else {
      const r = w * 0.55;
      canvas.circle(w + r * 0.1, -r * 0.25, r, { fill: palette.tint });
      canvas.circle(w + r * 0.1, -r * 0.25, r * 0.62, { fill: palette.background });
      top = h * 0.3;
    }
    if (flat)
      canvas.rect({ x: 0, y: h - 1.1 * u, width: w, height: 1.1 * u }, { fill: palette.accent });
    const footerHeight = footer(canvas, fields, palette, {
      x: m,
      bottom: h - m,
      width: w - 2 * m,
      size: footerSize,
    });
    const column = {
      x: m,
      y: top,
      width: w - 2 * m,
      height: h - m - top - (footerHeight ? footerHeight + 3 * u : 0),
    };
    // Under a cover the text starts right away; without one it settles towards the footer.
    headline(
      canvas,
      fields,
      palette,
      frame,
      column,
      hasCover ? 0 : frame.orientation === "portrait" ? 0.55 : 1,
    );
  },
});
