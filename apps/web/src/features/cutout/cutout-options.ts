import { sameOriginPath } from "../studio/same-origin";
import type {
  CutoutItem,
  CutoutOptionsInput,
  CutoutOutput,
  CutoutTier,
  OutputOptionsInput,
} from "./types";

export const BACKGROUND_KINDS = ["transparent", "color", "gradient", "image", "blur"] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];
export const OUTPUT_FORMATS = ["png", "webp"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const SUBJECTS = ["all", "main"] as const;
export type SubjectChoice = (typeof SUBJECTS)[number];

/**
 * How the model's mask is made, chosen for the next photo (changing it means running the model
 * again): the model's tier, and whether to keep every subject or only the largest.
 */
export interface MaskChoice {
  tier: CutoutTier;
  subject: SubjectChoice;
}

export const INITIAL_MASK: MaskChoice = { tier: "quality", subject: "all" };

/** An upload chosen as the background. */
export interface BackgroundImage {
  uploadId: string;
  /** Where the upload is served (for the preview). */
  url: string;
  fileName: string | null;
}

/**
 * What the editor shows: the background chosen and the values of every kind (so switching back
 * and forth keeps them), the crop and the file format. None of it runs the model again.
 */
export interface CutoutSettings {
  background: BackgroundKind;
  color: string;
  gradient: { from: string; to: string; angle: number };
  image: BackgroundImage | null;
  /** The blur's strength: the Gaussian's sigma, in pixels of the photo. */
  blur: number;
  crop: boolean;
  format: OutputFormat;
}

export const INITIAL_SETTINGS: CutoutSettings = {
  background: "transparent",
  color: "#ffffff",
  gradient: { from: "#6366f1", to: "#ec4899", angle: 135 },
  image: null,
  blur: 20,
  crop: false,
  format: "png",
};

/** Room left around the subject when cropping, as a fraction of its larger side. */
export const CROP_MARGIN = 0.05;
export const BLUR_RANGE = { min: 2, max: 60 } as const;
/** The server's defaults, filled in wherever options are compared. */
const DEFAULT_ANGLE = 180;
const DEFAULT_SIGMA = 20;

/** The uncropped subject on transparency: the layer the instant preview is drawn from. */
export const TRANSPARENT_LAYER: OutputOptionsInput = {
  output: "image",
  format: "webp",
  background: { type: "transparent" },
};

/** The `cutout.compose` options for the settings, or null while an image background is unchosen. */
export function outputOptionsOf(settings: CutoutSettings): OutputOptionsInput | null {
  let background: NonNullable<OutputOptionsInput["background"]>;
  switch (settings.background) {
    case "transparent":
      background = { type: "transparent" };
      break;
    case "color":
      background = { type: "color", color: settings.color };
      break;
    case "gradient":
      background = { type: "gradient", ...settings.gradient };
      break;
    case "image":
      if (!settings.image) return null;
      background = { type: "image", uploadId: settings.image.uploadId };
      break;
    case "blur":
      background = { type: "blur", sigma: settings.blur };
      break;
  }
  return {
    output: "image",
    format: settings.format,
    background,
    ...(settings.crop ? { crop: { margin: CROP_MARGIN } } : {}),
  };
}

/** The mask as a file: cropped like the image when the image is. */
export function maskOptionsOf(settings: Pick<CutoutSettings, "crop">): OutputOptionsInput {
  return {
    output: "mask",
    format: "png",
    background: { type: "transparent" },
    ...(settings.crop ? { crop: { margin: CROP_MARGIN } } : {}),
  };
}

/**
 * What `cutout.process` and `cutout.batch` take: how to make the mask and the image to make
 * first. An image background not chosen yet makes the subject on transparency.
 */
export function processOptionsOf(mask: MaskChoice, settings: CutoutSettings): CutoutOptionsInput {
  const output =
    outputOptionsOf(settings) ?? outputOptionsOf({ ...settings, background: "transparent" });
  return { tier: mask.tier, subject: mask.subject, ...output };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const hex = (value: unknown): string | null =>
  typeof value === "string" && /^#[0-9a-f]{6}([0-9a-f]{2})?$/i.test(value)
    ? value.toLowerCase()
    : null;
const number = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/** A background as the server keeps it, with its defaults filled in; null when unreadable. */
function normalBackground(value: unknown): Record<string, unknown> | null {
  if (value === undefined) return { type: "transparent" };
  if (!isRecord(value)) return null;
  switch (value.type) {
    case "transparent":
      return { type: "transparent" };
    case "color": {
      const color = hex(value.color);
      return color ? { type: "color", color } : null;
    }
    case "gradient": {
      const [from, to] = [hex(value.from), hex(value.to)];
      return from && to
        ? { type: "gradient", from, to, angle: number(value.angle, DEFAULT_ANGLE) }
        : null;
    }
    case "image":
      return typeof value.uploadId === "string"
        ? { type: "image", uploadId: value.uploadId.toLowerCase() }
        : null;
    case "blur":
      return { type: "blur", sigma: number(value.sigma, DEFAULT_SIGMA) };
    default:
      return null;
  }
}

/**
 * A key that is the same for two sets of output options exactly when they make the same image
 * (defaults filled in, key order fixed), or null when the options cannot be read.
 */
export function optionsKey(options: unknown): string | null {
  if (!isRecord(options)) return null;
  const output = options.output === "mask" ? "mask" : "image";
  const format = output === "mask" ? "png" : options.format === "webp" ? "webp" : "png";
  const background =
    output === "mask" ? { type: "transparent" } : normalBackground(options.background);
  if (!background) return null;
  const crop = isRecord(options.crop) ? { margin: number(options.crop.margin, CROP_MARGIN) } : null;
  return JSON.stringify({ output, format, background, crop });
}

/** The output of a cut-out made with these options, if there is one already. */
export function findOutput(
  cutout: Pick<CutoutItem, "outputs">,
  options: OutputOptionsInput | null,
): CutoutOutput | undefined {
  const key = options ? optionsKey(options) : null;
  if (key === null) return undefined;
  return cutout.outputs.find((output) => optionsKey(output.options) === key);
}

/** Any uncropped image of the subject on transparency (either format). */
export function transparentLayerOf(cutout: Pick<CutoutItem, "outputs">): CutoutOutput | undefined {
  return cutout.outputs.find((output) => {
    const key = optionsKey(output.options);
    if (key === null) return false;
    const {
      output: kind,
      background,
      crop,
    } = JSON.parse(key) as {
      output: string;
      background: { type: string };
      crop: unknown;
    };
    return kind === "image" && background.type === "transparent" && crop === null;
  });
}

/**
 * The editor's settings for an output (to reopen a cut-out as it was made). Values the output
 * does not use are kept from `base`, and so is anything unreadable.
 */
export function settingsFromOutput(options: unknown, base: CutoutSettings): CutoutSettings {
  if (!isRecord(options) || options.output === "mask") return base;
  const background = normalBackground(options.background);
  const next: CutoutSettings = {
    ...base,
    crop: isRecord(options.crop),
    format: options.format === "webp" ? "webp" : "png",
  };
  if (!background) return next;
  switch (background.type) {
    case "color":
      return { ...next, background: "color", color: String(background.color) };
    case "gradient":
      return {
        ...next,
        background: "gradient",
        gradient: {
          from: String(background.from),
          to: String(background.to),
          angle: Number(background.angle),
        },
      };
    case "image": {
      const uploadId = String(background.uploadId);
      const image =
        base.image?.uploadId === uploadId
          ? base.image
          : { uploadId, url: `/api/uploads/${uploadId}`, fileName: null };
      return { ...next, background: "image", image };
    }
    case "blur":
      return { ...next, background: "blur", blur: Number(background.sigma) };
    default:
      return { ...next, background: "transparent" };
  }
}

/**
 * A cut-out with the outputs of both copies: answers to calls made side by side each list the
 * outputs their own call knew of, so none is dropped whichever answer lands last.
 */
export function mergeOutputs(current: CutoutItem, incoming: CutoutItem): CutoutItem {
  if (current.id !== incoming.id) return incoming;
  const names = new Set(incoming.outputs.map((output) => output.name));
  return {
    ...incoming,
    outputs: [...incoming.outputs, ...current.outputs.filter((output) => !names.has(output.name))],
  };
}

/** The photo's name without its extension, safe as a file name; "cutout" when there is none. */
function stemOf(fileName: string | null): string {
  const base = (fileName ?? "").replace(/\.[^.]*$/, "");
  // Characters no file system takes (and control characters) become one dash per run.
  const clean = Array.from(base, (char) => (char < " " ? "/" : char))
    .join("")
    .replace(/[\\/:*?"<>|]+/g, "-")
    .trim()
    .slice(0, 80);
  return clean === "" || /^[.-]+$/.test(clean) ? "cutout" : clean;
}

/** The name a download is saved under: `beach-cutout.png`, `beach-mask.png`. */
export function downloadName(
  fileName: string | null,
  kind: "image" | "mask",
  format: OutputFormat,
): string {
  const stem = stemOf(fileName);
  return kind === "mask" ? `${stem}-mask.png` : `${stem}-cutout.${format}`;
}

/** A cut-out file's address on this origin, asking for it as an attachment named `name`. */
export function downloadHref(url: string, name: string): string {
  const path = sameOriginPath(url);
  return `${path}${path.includes("?") ? "&" : "?"}download=${encodeURIComponent(name)}`;
}

/** A CSS `background` for a colour or gradient, as the server paints it (null for the others). */
export function cssBackgroundOf(settings: CutoutSettings): string | null {
  if (settings.background === "color") return settings.color;
  if (settings.background === "gradient") {
    const { from, to, angle } = settings.gradient;
    return `linear-gradient(${angle}deg, ${from}, ${to})`;
  }
  return null;
}
