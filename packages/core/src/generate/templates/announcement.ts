import { z } from "zod";

import type { TextBlock } from "./canvas";
import { imageRef, optionalText, titleText } from "./fields";
import { clamp, paintBackground, pill, pillHeight } from "./parts";
import { defineTemplate } from "./template";

/** A launch or event announcement: eyebrow, headline, details, when/where, call to action. */
export const announcementTemplate = defineTemplate({
  id: "announcement",
  version: 1,
  name: "Announcement",
  description: "A launch, release or event announcement with date, place and a call to action.",
  fields: z.object({
    eyebrow: optionalText(40),
    headline: titleText(120),
    details: optionalText(400),
    date: optionalText(60),
    location: optionalText(80),
    cta: optionalText(40),
    logo: imageRef(),
  }),
  imageFields: ["logo"],
  defaults: { eyebrow: "Announcement" },
  sample: {
    eyebrow: "Live event",
    headline: "GenFlow Summit 2025: build with generative media",
    details:
      "Two days of talks and workshops on image pipelines, prompt design and shipping AI features people love.",
    date: "June 12–13, 2025",
    location: "Pier 27, San Francisco",
    cta: "Register free",
  },
  sampleZh: {
    eyebrow: "线下活动",
    headline: "GenFlow 开发者大会 2025 🎉",
    details: "两天的演讲与工作坊：图像生成流水线、提示词设计，以及如何交付用户喜爱的 AI 功能。",
    date: "2025年6月12日至13日",
    location: "上海 · 西岸艺术中心",
    cta: "免费报名",
  },
  render({ fields, palette, frame, canvas }) {
    const { width: w, height: h, unit: u, margin: m } = frame;
    const landscape = frame.orientation === "landscape";
    paintBackground(canvas, palette);

    // Decoration: concentric rings bleeding off the top-right corner.
    const ring = Math.min(w, h) * 0.5;
    const cx = w - ring * 0.2;
    const cy = ring * 0.12;
    canvas.circle(cx, cy, ring, { fill: palette.tint });
    canvas.circle(cx, cy, ring * 0.74, { fill: palette.background });
    canvas.circle(cx, cy, ring * 0.5, { fill: palette.tint });

    // Top row: eyebrow pill, logo on the right.
    const pillSize = clamp(2 * u, 11, 40);
    let top = m;
    if (canvas.hasImage("logo")) {
      const size = 9 * u;
      canvas.image("logo", {
        x: w - m - size,
        y: m,
        width: size,
        height: size,
        shape: "rect",
        fit: "contain",
      });
    }
    if (fields.eyebrow) {
      pill(canvas, {
        field: "eyebrow",
        text: fields.eyebrow,
        x: m,
        y: top,
        size: pillSize,
        maxWidth: w * 0.6,
        background: palette.accent,
        color: palette.onAccent,
        caps: true,
      });
      top += pillHeight(pillSize) + 4 * u;
    }

    // Bottom: date and place rows, then the call to action.
    const infoSize = clamp(2.7 * u, 12, 56);
    const rowHeight = infoSize * 1.9;
    const rows = [
      fields.date ? { icon: "calendar" as const, field: "date", text: fields.date } : undefined,
      fields.location
        ? { icon: "pin" as const, field: "location", text: fields.location }
        : undefined,
    ].filter((r) => r !== undefined);
    const ctaSize = clamp(2.5 * u, 12, 52);
    const ctaHeight = fields.cta ? pillHeight(ctaSize * 1.15) : 0;
    const infoHeight = rows.length * rowHeight;
    const bottomHeight = infoHeight + (fields.cta ? (infoHeight ? 3 * u : 0) + ctaHeight : 0);
    let y = h - m - bottomHeight;
    for (const row of rows) {
      const icon = infoSize * 1.25;
      canvas.icon(row.icon, m, y + (rowHeight - icon) / 2, icon, palette.accent);
      canvas.text({
        field: row.field,
        text: row.text,
        box: {
          x: m + icon + infoSize * 0.7,
          y,
          width: w - 2 * m - icon - infoSize * 0.7,
          height: rowHeight,
        },
        maxSize: infoSize,
        minSize: infoSize * 0.75,
        lineHeight: rowHeight / infoSize,
        weight: 700,
        color: palette.foreground,
        maxLines: 1,
      });
      y += rowHeight;
    }
    if (fields.cta) {
      pill(canvas, {
        field: "cta",
        text: `${fields.cta}  →`,
        x: m,
        y: h - m - ctaHeight,
        size: ctaSize * 1.15,
        maxWidth: w - 2 * m,
        background: palette.foreground,
        color: palette.background,
      });
    }

    // Middle: the headline and details share what is left.
    const gap = 2.8 * u;
    const middleTop = top;
    const middleBottom = h - m - bottomHeight - (bottomHeight ? 4.5 * u : 0);
    const room = Math.max(middleBottom - middleTop, 6 * u);
    let details: TextBlock | undefined = fields.details
      ? canvas.measure({
          field: "details",
          text: fields.details,
          box: { x: m, y: 0, width: (w - 2 * m) * (landscape ? 0.82 : 1), height: room * 0.38 },
          maxSize: 3.1 * u,
          minSize: 2.1 * u,
          lineHeight: 1.42,
          weight: 400,
          color: palette.muted,
          maxLines: landscape ? 3 : 6,
        })
      : undefined;
    const headline = canvas.measure({
      field: "headline",
      text: fields.headline,
      box: {
        x: m,
        y: 0,
        width: w - 2 * m,
        height: Math.max(room - (details ? details.height + gap : 0), 4 * u),
      },
      maxSize: (landscape ? 8.6 : 9.4) * u,
      minSize: 3.4 * u,
      lineHeight: 1.08,
      weight: 700,
      color: palette.foreground,
      maxLines: 5,
    });
    // On very flat cards the details may not fit under the headline at all: leave them out.
    if (details && headline.height + gap + details.height > room) {
      canvas.omit("details");
      details = undefined;
    }
    const total = headline.height + (details ? gap + details.height : 0);
    // Landscape cards read top-down; taller cards centre the message in its space.
    const start = landscape ? middleTop : middleTop + Math.max(0, room - total) * 0.45;
    canvas.text(headline, start);
    if (details) canvas.text(details, start + headline.height + gap);
  },
});
