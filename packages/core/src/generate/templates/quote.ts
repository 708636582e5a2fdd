import { z } from "zod";

import { bodyText, imageRef, optionalText } from "./fields";
import { avatar, clamp, paintBackground } from "./parts";
import { defineTemplate } from "./template";

/** Two "66"-shaped opening quotation marks, 80 × 60. */
const QUOTE_MARK =
  "M20 20A20 20 0 1 1 0 40C0 18 12 4 32 0L34 7C22 11 16 17 15 21Q17 20 20 20Z" +
  "M66 20A20 20 0 1 1 46 40C46 18 58 4 78 0L80 7C68 11 62 17 61 21Q63 20 66 20Z";

/** A pull quote with attribution: big quotation mark, the quote, author and source. */
export const quoteTemplate = defineTemplate({
  id: "quote",
  version: 1,
  name: "Quote",
  description: "A quotation with its author, source and an optional portrait.",
  fields: z.object({
    quote: bodyText(600).min(1),
    author: optionalText(80),
    source: optionalText(120),
    avatar: imageRef(),
  }),
  imageFields: ["avatar"],
  defaults: {},
  sample: {
    quote:
      "Simplicity is prerequisite for reliability. The cheapest, fastest and most reliable components are those that aren't there.",
    author: "Edsger W. Dijkstra",
    source: "How do we tell truths that might hurt?, 1975",
  },
  sampleZh: {
    quote: "千里之行，始于足下。把每一件简单的事做好，就是不简单 ✨",
    author: "老子",
    source: "《道德经》第六十四章",
  },
  render({ fields, palette, frame, canvas }) {
    const { width: w, height: h, unit: u, margin: m } = frame;
    paintBackground(canvas, palette);

    // Decoration: a soft disc bleeding off the top-right corner.
    const disc = Math.min(w, h) * 0.36;
    canvas.circle(w - disc * 0.25, disc * 0.15, disc, { fill: palette.tint });

    // The opening quotation mark (designed 80 × 60).
    const markInk = clamp(8 * u, 24, (h - 2 * m) * 0.2);

    // Footer: accent rule, optional portrait, author and source.
    const hasAuthor = !!fields.author || !!fields.source;
    const hasAvatar = canvas.hasImage("avatar");
    const avatarSize = hasAvatar ? 8.5 * u : 0;
    const textX = m + (hasAvatar ? avatarSize + 2.2 * u : 0);
    const authorBlock = fields.author
      ? canvas.measure({
          field: "author",
          text: fields.author,
          box: { x: textX, y: 0, width: w - m - textX, height: 4 * u },
          maxSize: 3.3 * u,
          minSize: 2.2 * u,
          lineHeight: 1.25,
          weight: 700,
          color: palette.foreground,
          maxLines: 1,
        })
      : undefined;
    const sourceBlock = fields.source
      ? canvas.measure({
          field: "source",
          text: fields.source,
          box: { x: textX, y: 0, width: w - m - textX, height: 6 * u },
          maxSize: 2.6 * u,
          minSize: 1.8 * u,
          lineHeight: 1.3,
          weight: 400,
          color: palette.muted,
          maxLines: 2,
        })
      : undefined;
    const namesHeight = (authorBlock?.height ?? 0) + (sourceBlock?.height ?? 0);
    const footerHeight = hasAuthor || hasAvatar ? Math.max(avatarSize, namesHeight) : 0;
    const ruleGap = 3.2 * u;
    const rule = { width: 7 * u, height: Math.max(3, 0.55 * u) };
    const footerBlock = footerHeight > 0 ? rule.height + ruleGap + footerHeight : 0;

    // The quote fills what is left; short quotes are set bold and large.
    const gap = 3.6 * u;
    const available = h - 2 * m - markInk - gap - (footerBlock ? gap + footerBlock : 0);
    const short = fields.quote.length <= 120;
    const portrait = frame.orientation === "portrait";
    const quote = canvas.measure({
      field: "quote",
      text: fields.quote,
      box: { x: m, y: 0, width: w - 2 * m, height: Math.max(available, 4 * u) },
      maxSize: (short ? 9 : 6.2) * u * (portrait ? 1.1 : 1),
      minSize: 2.1 * u,
      lineHeight: short ? 1.22 : 1.38,
      weight: short ? 700 : 400,
      color: palette.foreground,
    });

    // Landscape cards pin the mark to the top and the footer to the bottom; taller cards centre
    // the whole group.
    const group = markInk + gap + quote.height + (footerBlock ? gap + footerBlock : 0);
    const top = frame.orientation === "landscape" ? m : m + Math.max(0, (h - 2 * m - group) / 2);
    canvas.path(QUOTE_MARK, { x: m, y: top, scale: markInk / 60 }, { fill: palette.accent });
    const quoteTop =
      frame.orientation === "landscape"
        ? top + markInk + gap + Math.max(0, (available - quote.height) / 2)
        : top + markInk + gap;
    canvas.text(quote, quoteTop);
    if (!footerBlock) return;

    const footerTop =
      frame.orientation === "landscape" ? h - m - footerBlock : quoteTop + quote.height + gap;
    canvas.rect({ x: m, y: footerTop, ...rule }, { fill: palette.accent, radius: rule.height / 2 });
    const rowTop = footerTop + rule.height + ruleGap;
    if (hasAvatar) {
      avatar(canvas, {
        field: "avatar",
        nameField: "author",
        name: fields.author ?? "",
        cx: m + avatarSize / 2,
        cy: rowTop + footerHeight / 2,
        r: avatarSize / 2,
        palette,
      });
    }
    let y = rowTop + (footerHeight - namesHeight) / 2;
    if (authorBlock) y = canvas.text(authorBlock, y).bottom;
    if (sourceBlock) canvas.text(sourceBlock, y);
  },
});
