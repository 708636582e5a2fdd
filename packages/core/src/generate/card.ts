import { z } from "zod";

/**
 * The shapes shared by the card engine (templates, text layout, SVG) and the render pipeline
 * (worker pool, rasterisers, cache). Field values are validated against the chosen template's own
 * schema; everything else about a card is validated here.
 */

/** Named sizes, in CSS pixels at scale 1. */
export const SIZE_PRESETS = {
  og: { width: 1200, height: 630 },
  square: { width: 1080, height: 1080 },
  story: { width: 1080, height: 1920 },
  wide: { width: 1600, height: 900 },
} as const;

export const SizePreset = z.enum(["og", "square", "story", "wide"]);
export type SizePreset = z.infer<typeof SizePreset>;

/** Custom sizes stay within these bounds (before scaling). */
export const CARD_MIN_SIDE = 200;
export const CARD_MAX_SIDE = 2400;
/** Largest output, in pixels, after scaling (width × scale × height × scale). */
export const CARD_MAX_OUTPUT_PIXELS = 16_000_000;

export const CardSize = z.union([
  z.object({ preset: SizePreset }),
  z.object({
    width: z.int().min(CARD_MIN_SIDE).max(CARD_MAX_SIDE),
    height: z.int().min(CARD_MIN_SIDE).max(CARD_MAX_SIDE),
  }),
]);
export type CardSize = z.infer<typeof CardSize>;

export function resolveSize(size: CardSize): { width: number; height: number } {
  return "preset" in size ? SIZE_PRESETS[size.preset] : size;
}

export const ImageFormat = z.enum(["png", "webp", "jpeg", "avif", "svg"]);
export type ImageFormat = z.infer<typeof ImageFormat>;

export const CardScale = z.number().min(1).max(3);

const HexColor = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "Use a hex colour such as #1d4ed8");

/** A theme preset, optionally with brand colours that override the preset's palette. */
export const CardTheme = z.object({
  preset: z.enum(["light", "dark", "brand", "gradient"]).default("light"),
  /** Accent colour (buttons, rules, highlights); also the start of gradients. */
  primary: HexColor.optional(),
  /** Second gradient stop. */
  secondary: HexColor.optional(),
  background: HexColor.optional(),
  foreground: HexColor.optional(),
});
export type CardTheme = z.infer<typeof CardTheme>;

/**
 * An image field's value once the pipeline has resolved it (an upload of the caller's or a data
 * URL), checked its size and pixels and re-encoded it: safe to inline into the card's SVG.
 */
export interface EmbeddedImage {
  mime: "image/png" | "image/jpeg";
  base64: string;
  width: number;
  height: number;
}

/** What the engine turns into SVG. `fields` have already passed the template's schema. */
export interface ComposeRequest {
  templateId: string;
  fields: Record<string, unknown>;
  width: number;
  height: number;
  theme: CardTheme;
  /** Resolved images by field name; image fields without an entry are left out of the design. */
  images: Record<string, EmbeddedImage>;
}

export type CardWarningCode = "MISSING_GLYPHS" | "TEXT_TRUNCATED";

/** Something the caller should know about a rendered card; the card is still produced. */
export interface CardWarning {
  code: CardWarningCode;
  /** The template field the warning is about. */
  field: string;
  message: string;
  /** For MISSING_GLYPHS: the characters no bundled font covers (each once). */
  characters?: string[];
}

export interface ComposedCard {
  svg: string;
  width: number;
  height: number;
  warnings: CardWarning[];
}
