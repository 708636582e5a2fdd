// GenFlow's `article-cover` and `quote` designs (packages/core/src/generate/templates/) rebuilt as
// satori element trees, the way an @vercel/og route would write them in JSX: the same geometry
// (frame unit and margin, boxes, gaps), the same light palette, and the same font sizes. GenFlow
// shrinks text to fit its box; satori cannot, so the sizes here are the templates' largest, which
// is what the engine picks for these samples (verify.ts checks that against GenFlow's SVG).
import type { TextRun, Weight } from "./assets";
import { CARD_SIZE, type BenchCase } from "./cases";

type Style = Record<string, string | number>;

/** What satori takes: a React element, without React. */
export interface SatoriElement {
  type: string;
  key: null;
  props: {
    style?: Style;
    children?: SatoriChild | SatoriChild[];
    [attribute: string]: unknown;
  };
}
type SatoriChild = SatoriElement | string;

const h = (
  type: string,
  style: Style,
  children?: SatoriChild | SatoriChild[],
  attributes: Record<string, unknown> = {},
): SatoriElement => ({ type, key: null, props: { ...attributes, style, children } });

/** GenFlow's light theme, as `resolvePalette({ preset: "light" })` resolves it. */
const PALETTE = {
  background: "#ffffff",
  foreground: "#0f172a",
  muted: "#5c616e",
  accent: "#2563eb",
  onAccent: "#ffffff",
  tint: "#e0e9fc",
} as const;

/** The engine's `frameFor`: 1% of the geometric mean side, and the outer margin. */
function frame(width: number, height: number) {
  return {
    unit: Math.min(Math.sqrt(width * height), 1.9 * Math.min(width, height)) / 100,
    margin: Math.round(Math.max(16, Math.min(width, height) * 0.085)),
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** The engine sets text in whole pixels, at the largest size that fits. */
const px = (size: number) => Math.floor(size);

const text = (field: unknown): string => (typeof field === "string" ? field : "");

/** A satori tree, the text it sets (for choosing fonts), and its font sizes (for verification). */
export interface SatoriCard {
  element: SatoriElement;
  runs: TextRun[];
  fontSizes: number[];
}

interface Builder {
  fontFamily: string;
  runs: TextRun[];
  sizes: Set<number>;
}

function textBox(
  b: Builder,
  content: string,
  o: { size: number; lineHeight: number; weight: Weight; color: string; style?: Style },
): SatoriElement {
  b.runs.push({ text: content, weight: o.weight });
  b.sizes.add(o.size);
  return h(
    "div",
    {
      display: "flex",
      fontSize: o.size,
      lineHeight: o.lineHeight,
      fontWeight: o.weight,
      color: o.color,
      ...o.style,
    },
    content,
  );
}

const disc = (cx: number, cy: number, r: number, color: string) =>
  h("div", {
    position: "absolute",
    left: cx - r,
    top: cy - r,
    width: 2 * r,
    height: 2 * r,
    borderRadius: r,
    backgroundColor: color,
  });

const root = (fontFamily: string, children: SatoriElement[]) =>
  h(
    "div",
    {
      display: "flex",
      position: "relative",
      width: CARD_SIZE.width,
      height: CARD_SIZE.height,
      backgroundColor: PALETTE.background,
      fontFamily,
    },
    children,
  );

/** `article-cover`, landscape, without a cover picture. */
function articleCover(fields: Record<string, unknown>, b: Builder): SatoriElement {
  const { width: w, height: hh } = CARD_SIZE;
  const { unit: u, margin: m } = frame(w, hh);
  const ring = hh * 0.62;

  // Footer: accent mark, site in bold, then "author · date".
  const footerSize = clamp(2.4 * u, 12, 48);
  const footerLine = footerSize * 1.6;
  const meta = [text(fields.author), text(fields.date)].filter(Boolean).join("  ·  ");
  const dot = footerSize * 0.9;
  const footer = h(
    "div",
    {
      position: "absolute",
      left: m,
      top: hh - m - footerLine,
      width: w - 2 * m,
      height: footerLine,
      display: "flex",
      alignItems: "center",
    },
    [
      h("div", {
        width: dot,
        height: dot,
        borderRadius: dot * 0.28,
        backgroundColor: PALETTE.accent,
        marginRight: footerSize * 0.6,
      }),
      textBox(b, text(fields.site), {
        size: px(footerSize),
        lineHeight: 1.6,
        weight: 700,
        color: PALETTE.foreground,
        style: { marginRight: footerSize * 1.1 },
      }),
      textBox(b, meta, {
        size: px(footerSize),
        lineHeight: 1.6,
        weight: 400,
        color: PALETTE.muted,
        style: { whiteSpace: "pre" },
      }),
    ],
  );

  // Category pill, title and description, centred in the column above the footer.
  const pillSize = Math.max(1.9 * u, 12);
  const pillHeight = pillSize * 2.3;
  const columnWidth = w - 2 * m;
  const column = h(
    "div",
    {
      position: "absolute",
      left: m,
      top: m,
      width: columnWidth,
      height: hh - 2 * m - (footerLine + 3 * u),
      display: "flex",
      flexDirection: "column",
      justifyContent: "center",
      alignItems: "flex-start",
    },
    [
      h(
        "div",
        {
          display: "flex",
          alignItems: "center",
          height: pillHeight,
          paddingLeft: pillSize * 0.95,
          paddingRight: pillSize * 0.95,
          borderRadius: pillHeight / 2,
          backgroundColor: PALETTE.accent,
          marginBottom: 3.2 * u,
        },
        textBox(b, text(fields.category).toLocaleUpperCase(), {
          size: px(pillSize),
          lineHeight: 1,
          weight: 700,
          color: PALETTE.onAccent,
          style: { letterSpacing: 0.08 * px(pillSize) },
        }),
      ),
      textBox(b, text(fields.title), {
        size: px(8.2 * u),
        lineHeight: 1.13,
        weight: 700,
        color: PALETTE.foreground,
        style: { width: columnWidth },
      }),
      textBox(b, text(fields.description), {
        size: px(3 * u),
        lineHeight: 1.42,
        weight: 400,
        color: PALETTE.muted,
        style: { width: columnWidth, marginTop: 2.6 * u },
      }),
    ],
  );

  return root(b.fontFamily, [
    disc(w + ring * 0.18, hh + ring * 0.12, ring, PALETTE.tint),
    disc(w + ring * 0.18, hh + ring * 0.12, ring * 0.62, PALETTE.background),
    h("div", {
      position: "absolute",
      left: 0,
      top: 0,
      width: 1.1 * u,
      height: hh,
      backgroundColor: PALETTE.accent,
    }),
    footer,
    column,
  ]);
}

/**
 * Two "66"-shaped opening quotation marks, designed 80 × 60 (the template's own path); the
 * bowls reach to x = 86, which GenFlow's unclipped SVG shows, so satori's box is 90 wide.
 */
const QUOTE_MARK =
  "M20 20A20 20 0 1 1 0 40C0 18 12 4 32 0L34 7C22 11 16 17 15 21Q17 20 20 20Z" +
  "M66 20A20 20 0 1 1 46 40C46 18 58 4 78 0L80 7C68 11 62 17 61 21Q63 20 66 20Z";

/** `quote`, landscape, with author and source and no portrait. */
function quote(fields: Record<string, unknown>, b: Builder): SatoriElement {
  const { width: w, height: hh } = CARD_SIZE;
  const { unit: u, margin: m } = frame(w, hh);
  const discRadius = Math.min(w, hh) * 0.36;
  const markInk = clamp(8 * u, 24, (hh - 2 * m) * 0.2);

  const authorSize = px(3.3 * u);
  const sourceSize = px(2.6 * u);
  const namesHeight = authorSize * 1.25 + sourceSize * 1.3;
  const ruleGap = 3.2 * u;
  const rule = { width: 7 * u, height: Math.max(3, 0.55 * u) };
  const footerBlock = rule.height + ruleGap + namesHeight;

  const gap = 3.6 * u;
  const available = hh - 2 * m - markInk - gap - (gap + footerBlock);
  const words = text(fields.quote);
  const short = words.length <= 120;
  const footerTop = hh - m - footerBlock;
  const scale = markInk / 60;

  return root(b.fontFamily, [
    disc(w - discRadius * 0.25, discRadius * 0.15, discRadius, PALETTE.tint),
    h(
      "svg",
      { position: "absolute", left: m, top: m, width: 90 * scale, height: 60 * scale },
      h("path", {}, undefined, { d: QUOTE_MARK, fill: PALETTE.accent }),
      { width: 90 * scale, height: 60 * scale, viewBox: "0 0 90 60" },
    ),
    h(
      "div",
      {
        position: "absolute",
        left: m,
        top: m + markInk + gap,
        width: w - 2 * m,
        height: available,
        display: "flex",
        flexDirection: "column",
        justifyContent: "center",
      },
      textBox(b, words, {
        size: px((short ? 9 : 6.2) * u),
        lineHeight: short ? 1.22 : 1.38,
        weight: short ? 700 : 400,
        color: PALETTE.foreground,
        style: { width: w - 2 * m },
      }),
    ),
    h("div", {
      position: "absolute",
      left: m,
      top: footerTop,
      ...rule,
      borderRadius: rule.height / 2,
      backgroundColor: PALETTE.accent,
    }),
    h(
      "div",
      {
        position: "absolute",
        left: m,
        top: footerTop + rule.height + ruleGap,
        width: w - 2 * m,
        display: "flex",
        flexDirection: "column",
      },
      [
        textBox(b, text(fields.author), {
          size: authorSize,
          lineHeight: 1.25,
          weight: 700,
          color: PALETTE.foreground,
        }),
        textBox(b, text(fields.source), {
          size: sourceSize,
          lineHeight: 1.3,
          weight: 400,
          color: PALETTE.muted,
        }),
      ],
    ),
  ]);
}

/**
 * The case's card as a satori tree, from the same field values GenFlow renders, set in
 * `fontFamily` (a CSS family list; see `fontsFor`).
 */
export function satoriCard(
  c: BenchCase,
  fields: Record<string, unknown>,
  fontFamily = "sans-serif",
): SatoriCard {
  const b: Builder = { fontFamily, runs: [], sizes: new Set() };
  const element = c.templateId === "article-cover" ? articleCover(fields, b) : quote(fields, b);
  return { element, runs: b.runs, fontSizes: [...b.sizes].sort((x, y) => x - y) };
}
