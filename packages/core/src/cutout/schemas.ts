import { z } from "zod";

import { CUTOUT_TIERS } from "./models";

/** Largest photo accepted, in bytes. */
export const CUTOUT_MAX_BYTES = 25 * 1024 * 1024;
/** Largest photo accepted, in pixels (checked from the header, before decoding). */
export const CUTOUT_MAX_PIXELS = 40_000_000;
/** Photos up to this many pixels are cut out while the caller waits; bigger ones become tasks. */
export const CUTOUT_SYNC_MAX_PIXELS = 16_000_000;
/** Photos in one batch. */
export const CUTOUT_BATCH_MAX = 50;

const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, "a colour like #1f2937");

export const CutoutBackground = z.discriminatedUnion("type", [
  /** Transparent: the subject alone. */
  z.strictObject({ type: z.literal("transparent") }),
  z.strictObject({ type: z.literal("color"), color: HexColour }),
  /** A linear gradient from `from` to `to`, toward `angle` degrees as in CSS (0 up, 90 right, 180 down). */
  z.strictObject({
    type: z.literal("gradient"),
    from: HexColour,
    to: HexColour,
    angle: z.number().min(0).max(360).default(180),
  }),
  /** One of the caller's uploads, scaled to cover the photo and centred. */
  z.strictObject({ type: z.literal("image"), uploadId: z.uuid() }),
  /** A blurred copy of the photo itself behind the subject. */
  z.strictObject({ type: z.literal("blur"), sigma: z.number().min(0.5).max(100).default(20) }),
]);
export type CutoutBackground = z.input<typeof CutoutBackground>;

/** How the mask is made: once per photo. */
export const MaskOptions = z.strictObject({
  tier: z.enum(CUTOUT_TIERS).default("quality"),
  /**
   * `all` keeps every subject the model finds (specks removed); `main` keeps only the largest,
   * for one-subject photos (a product, a portrait): it drops the second of two people.
   */
  subject: z.enum(["all", "main"]).default("all"),
  /** Alpha at or above this becomes opaque and below it transparent; absent keeps soft edges. */
  threshold: z.int().min(1).max(254).optional(),
  /** Softens the mask's edge by this many pixels (a Gaussian of this sigma); 0 keeps it. */
  feather: z.number().min(0).max(50).default(0),
  /** Keep what the photo's own alpha already made transparent. */
  keepAlpha: z.boolean().default(true),
  /** Also run the mirrored photo and average the masks: a little better, twice the time. */
  flip: z.boolean().default(false),
});
export type MaskOptions = z.input<typeof MaskOptions>;

/** What is made from a photo and its mask: any number of these, without running the model again. */
export const OutputOptions = z.strictObject({
  /** `image`: the subject on `background`; `mask`: the alpha alone, as an 8-bit grey PNG. */
  output: z.enum(["image", "mask"]).default("image"),
  format: z.enum(["png", "webp"]).default("png"),
  background: CutoutBackground.default({ type: "transparent" }),
  /** Crop to the subject, with this margin (a fraction of the subject's larger side). */
  crop: z.strictObject({ margin: z.number().min(0).max(1).default(0.05) }).optional(),
});
export type OutputOptions = z.input<typeof OutputOptions>;

/** Everything at once: how to make the mask and the one image to make from it. */
export const CutoutOptions = z.strictObject({ ...MaskOptions.shape, ...OutputOptions.shape });
export type CutoutOptions = z.input<typeof CutoutOptions>;

export interface CutoutTimings {
  decodeMs: number;
  inferMs: number;
  composeMs: number;
  totalMs: number;
  /** Loading and warming the model, when this image had to wait for it. */
  loadMs?: number;
}

/** One encoded image. */
export interface EncodedImage {
  bytes: Buffer;
  contentType: "image/png" | "image/webp";
  width: number;
  height: number;
}

export interface CutoutResult extends EncodedImage {
  /** The model that made the mask. */
  model: string;
  timings: CutoutTimings;
}

/**
 * Options sent as JSON text (a form field): the parsed options, or the problems by field
 * (`options`, `options.background.color`…) as the error envelope's `fieldErrors`. No field at
 * all means the defaults.
 */
export function cutoutOptionsFromText(
  text: unknown,
): { options: z.output<typeof CutoutOptions> } | { problems: Record<string, string[]> } {
  let value: unknown = {};
  if (text !== null && text !== undefined) {
    try {
      value = typeof text === "string" ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      value = undefined;
    }
  }
  if (value === undefined) return { problems: { options: ["options must be JSON text"] } };
  const parsed = CutoutOptions.safeParse(value);
  if (parsed.success) return { options: parsed.data };
  const problems: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = ["options", ...issue.path.map(String)].join(".");
    (problems[field] ??= []).push(issue.message);
  }
  return { problems };
}
