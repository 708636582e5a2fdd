import { z } from "zod";

import { CUTOUT_TIERS } from "./models";

/** Largest photo accepted, in bytes. */
export const CUTOUT_MAX_BYTES = 25 * 1024 * 1024;
/** Largest photo accepted, in pixels (checked from the header, before decoding). */
export const CUTOUT_MAX_PIXELS = 40_000_000;

const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, "a colour like #1f2937");

export const CutoutBackground = z.discriminatedUnion("type", [
  /** Transparent: the subject alone. */
  z.strictObject({ type: z.literal("transparent") }),
  z.strictObject({ type: z.literal("color"), color: HexColour }),
  /** A blurred copy of the photo itself behind the subject. */
  z.strictObject({ type: z.literal("blur"), sigma: z.number().min(0.5).max(100).default(20) }),
]);
export type CutoutBackground = z.input<typeof CutoutBackground>;

export const CutoutOptions = z.strictObject({
  tier: z.enum(CUTOUT_TIERS).default("quality"),
  /** `image`: the subject on `background`; `mask`: the alpha alone, as an 8-bit grey PNG. */
  output: z.enum(["image", "mask"]).default("image"),
  format: z.enum(["png", "webp"]).default("png"),
  background: CutoutBackground.default({ type: "transparent" }),
  /** Crop to the subject, with this margin (a fraction of the subject's larger side). */
  crop: z.strictObject({ margin: z.number().min(0).max(1).default(0.05) }).optional(),
  /** Alpha at or above this becomes opaque and below it transparent; absent keeps soft edges. */
  threshold: z.int().min(1).max(254).optional(),
  /** Keep what the photo's own alpha already made transparent. */
  keepAlpha: z.boolean().default(true),
  /** Also run the mirrored photo and average the masks: a little better, twice the time. */
  flip: z.boolean().default(false),
});
export type CutoutOptions = z.input<typeof CutoutOptions>;

export interface CutoutResult {
  bytes: Buffer;
  contentType: "image/png" | "image/webp";
  width: number;
  height: number;
  /** The model that made the mask. */
  model: string;
  timings: {
    decodeMs: number;
    inferMs: number;
    composeMs: number;
    totalMs: number;
    loadMs?: number;
  };
}
