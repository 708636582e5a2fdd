import { z } from "zod";

import type { CardCanvas, TextBlock } from "./canvas";
import { bodyText, imageRef, optionalText, titleText } from "./fields";
import { avatar, clamp, paintBackground, stack, stackHeight } from "./parts";
import { defineTemplate, type Frame } from "./template";
import type { Palette } from "./theme";

const Stat = z.object({
  value: z.string().trim().min(1).max(16),
  label: z.string().trim().min(1).max(24),
});
type Stat = z.infer<typeof Stat>;

/** Stat tiles in `cols` columns: a big value over a small caps label. */
function statGrid(
  canvas: CardCanvas,
  stats: Stat[],
  palette: Palette,
  frame: Frame,
  area: { x: number; y: number; width: number; cols: number; tileHeight: number },
): void {
  const u = frame.unit;
  const gap = 2 * u;
  const tileWidth = (area.width - gap * (area.cols - 1)) / area.cols;
  stats.forEach((stat, i) => {
    const col = i % area.cols;
    const row = Math.floor(i / area.cols);
    const x = area.x + col * (tileWidth + gap);
    const y = area.y + row * (area.tileHeight + gap);
    const pad = Math.min(2.6 * u, tileWidth * 0.12);
    canvas.rect(
      { x, y, width: tileWidth, height: area.tileHeight },
      { fill: palette.panel, radius: 1.8 * u },
    );
    canvas.rect(
      {
        x,
        y: y + area.tileHeight * 0.22,
        width: Math.max(2, 0.5 * u),
        height: area.tileHeight * 0.56,
      },
      { fill: palette.accent },
    );
    const inner = { x: x + pad, width: tileWidth - 2 * pad };
    const value = canvas.measure({
      field: "stats",
      text: stat.value,
      box: { ...inner, y: 0, height: area.tileHeight * 0.5 },
      maxSize: Math.min(6 * u, area.tileHeight * 0.42),
      minSize: 2.2 * u,
      lineHeight: 1.1,
      weight: 700,
      color: palette.foreground,
      maxLines: 1,
    });
    const label = canvas.measure({
      field: "stats",
      text: stat.label.toLocaleUpperCase(),
      box: { ...inner, y: 0, height: area.tileHeight * 0.3 },
      maxSize: Math.min(1.9 * u, area.tileHeight * 0.14),
      minSize: 1.3 * u,
      lineHeight: 1.3,
      weight: 700,
      color: palette.muted,
      maxLines: 2,
      tracking: 0.06,
    });
    const total = value.height + 0.6 * u + label.height;
    const top = y + (area.tileHeight - total) / 2;
    canvas.text(value, top);
    canvas.text(label, top + value.height + 0.6 * u);
  });
}

/** A person's or project's profile: portrait, name, handle, bio and up to four stats. */
export const profileStatsTemplate = defineTemplate({
  id: "profile-stats",
  version: 1,
  name: "Profile & stats",
  description: "A profile card with a portrait (or initials), a short bio and up to four stats.",
  fields: z.object({
    name: titleText(80),
    handle: optionalText(60),
    bio: bodyText(300).optional(),
    avatar: imageRef(),
    stats: z.array(Stat).max(4),
  }),
  imageFields: ["avatar"],
  defaults: { stats: [] },
  sample: {
    name: "Grace Hopper",
    handle: "@amazinggrace",
    bio: "Computer scientist and rear admiral. Invented the first compiler and never stopped debugging.",
    stats: [
      { value: "1.2M", label: "Followers" },
      { value: "348", label: "Projects" },
      { value: "98%", label: "Uptime" },
    ],
  },
  sampleZh: {
    name: "林小雨",
    handle: "@xiaoyu_draws",
    bio: "插画师和动效设计师，住在杭州。喜欢猫、咖啡和下雨天 ☔",
    stats: [
      { value: "8.6万", label: "关注者" },
      { value: "512", label: "作品" },
      { value: "4.9", label: "评分" },
      { value: "12", label: "获奖" },
    ],
  },
  render({ fields, palette, frame, canvas }) {
    const { width: w, height: h, unit: u, margin: m } = frame;
    paintBackground(canvas, palette);
    const stats = fields.stats;
    const landscape = frame.orientation === "landscape";

    // Decoration: a wash across the top behind the portrait.
    const band = landscape
      ? h * 0.3
      : Math.min(h * (frame.orientation === "portrait" ? 0.24 : 0.26), w * 0.45);
    canvas.rect({ x: 0, y: 0, width: w, height: band }, { fill: palette.tint });

    // Stats at the bottom.
    // One row of tiles, except four on a tall card (two by two).
    const cols = frame.orientation === "portrait" && stats.length === 4 ? 2 : stats.length;
    const rows = cols ? Math.ceil(stats.length / cols) : 0;
    const tileHeight = clamp((landscape ? 15 : 14) * u, 40, (h - 2 * m) * (landscape ? 0.34 : 0.2));
    const gridHeight = rows ? rows * tileHeight + (rows - 1) * 2 * u : 0;
    if (cols) {
      statGrid(canvas, stats, palette, frame, {
        x: m,
        y: h - m - gridHeight,
        width: w - 2 * m,
        cols,
        tileHeight,
      });
    }
    const contentBottom = h - m - (gridHeight ? gridHeight + 4 * u : 0);

    const nameSlot = (box: { x: number; width: number }, align: "start" | "center") => ({
      field: "name",
      text: fields.name,
      box: { ...box, y: 0, height: 2 * 7.6 * u * 1.12 },
      maxSize: (landscape ? 6.6 : 7.6) * u,
      minSize: 3 * u,
      lineHeight: 1.12,
      weight: 700 as const,
      color: palette.foreground,
      align,
      maxLines: 2,
    });
    const handleSlot = (box: { x: number; width: number }, align: "start" | "center") =>
      fields.handle
        ? {
            field: "handle",
            text: fields.handle,
            box: { ...box, y: 0, height: 3 * u * 1.3 },
            maxSize: 3 * u,
            minSize: 2 * u,
            lineHeight: 1.3,
            weight: 700 as const,
            color: palette.accent,
            align,
            maxLines: 1,
          }
        : undefined;
    const bioSlot = (
      box: { x: number; width: number },
      align: "start" | "center",
      height: number,
    ) =>
      fields.bio
        ? {
            field: "bio",
            text: fields.bio,
            box: { ...box, y: 0, height },
            maxSize: 3.2 * u,
            minSize: 2.1 * u,
            lineHeight: 1.42,
            weight: 400 as const,
            color: palette.muted,
            align,
            maxLines: landscape ? 3 : 5,
          }
        : undefined;

    if (landscape) {
      // Portrait on the left, overlapping the band; text to its right.
      const r = clamp(Math.min(h * 0.19, w * 0.12), 20, 400);
      const cx = m + r;
      const cy = band;
      avatar(canvas, {
        field: "avatar",
        nameField: "name",
        name: fields.name,
        cx,
        cy,
        r,
        palette,
        ring: palette.background,
      });
      const textX = cx + r + 4 * u;
      const box = { x: textX, width: w - m - textX };
      const top = band - r * 0.55;
      const blocks: (TextBlock | undefined)[] = [
        canvas.measure(nameSlot(box, "start")),
        ((s) => (s ? canvas.measure(s) : undefined))(handleSlot(box, "start")),
      ];
      const head = stackHeight(blocks, 0.8 * u);
      const bioTop = Math.max(top + head + 2.4 * u, cy + r + 2.4 * u);
      const bio = bioSlot(
        { x: m, width: w - 2 * m },
        "start",
        Math.max(contentBottom - bioTop, 4 * u),
      );
      stack(canvas, blocks, Math.max(m * 0.6, band - head - 1.2 * u), 0.8 * u);
      if (bio) canvas.text(canvas.measure(bio), bioTop);
      return;
    }

    // Square and portrait: centred column.
    const r = clamp(Math.min(w * 0.17, h * 0.12), 20, 400);
    const cx = w / 2;
    const cy = band;
    avatar(canvas, {
      field: "avatar",
      nameField: "name",
      name: fields.name,
      cx,
      cy,
      r,
      palette,
      ring: palette.background,
    });
    const box = { x: m, width: w - 2 * m };
    const top = cy + r * 1.08 + 3.2 * u;
    const head: (TextBlock | undefined)[] = [
      canvas.measure(nameSlot(box, "center")),
      ((s) => (s ? canvas.measure(s) : undefined))(handleSlot(box, "center")),
    ];
    const headHeight = stackHeight(head, 0.8 * u);
    const bioSpec = bioSlot(
      box,
      "center",
      Math.max(contentBottom - top - headHeight - 2.8 * u, 4 * u),
    );
    const bio = bioSpec ? canvas.measure(bioSpec) : undefined;
    const total = headHeight + (bio ? 2.8 * u + bio.height : 0);
    const start = top + Math.max(0, (contentBottom - top - total) * 0.45);
    const end = stack(canvas, head, start, 0.8 * u);
    if (bio) canvas.text(bio, end + 2.8 * u);
  },
});
