import { z } from "zod";

import {
  CARD_MAX_OUTPUT_PIXELS,
  CardScale,
  CardSize,
  CardTheme,
  ImageFormat,
  resolveSize,
  type CardWarning,
} from "./card";

/** Inputs and results of the card use cases. Card shapes themselves live in `card.ts`. */

/** Largest image field data URL after base64 decoding (uploads have limits of their own). */
export const CARD_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Largest image field, in pixels, that is decoded at all (anything bigger is refused unread). */
export const CARD_MAX_IMAGE_PIXELS = 25_000_000;
/** Most image values (data URLs and upload references) in one request. */
export const CARD_MAX_IMAGES = 4;
/** Most field names in one request. */
export const CARD_MAX_FIELDS = 50;
/** Largest size of the non-image field values, as JSON. */
export const CARD_MAX_FIELDS_TEXT_BYTES = 32 * 1024;
/** Width of the WebP thumbnail kept for history lists. */
export const CARD_THUMBNAIL_WIDTH = 400;

/** Encoder quality when the request gives none. PNG at 100 is lossless; below, a palette. */
export const DEFAULT_QUALITY: Readonly<Record<ImageFormat, number>> = {
  png: 100,
  webp: 82,
  jpeg: 90,
  avif: 60,
  svg: 100,
};

export const CardVisibility = z.enum(["public", "private"]);
export type CardVisibility = z.infer<typeof CardVisibility>;

/** Whether a field value is a data URL (an inline image, sized apart from text). */
const isDataUrl = (value: unknown): value is string =>
  typeof value === "string" && /^data:/i.test(value);

/** Whether a field value is an image: a data URL or an upload reference. */
const isImage = (value: unknown): boolean =>
  isDataUrl(value) || (typeof value === "string" && /^upload:/i.test(value));

const FieldValues = z.record(z.string().min(1).max(64), z.unknown()).superRefine((fields, ctx) => {
  const entries = Object.entries(fields);
  if (entries.length > CARD_MAX_FIELDS) {
    ctx.addIssue({ code: "custom", message: `Send at most ${CARD_MAX_FIELDS} fields` });
  }
  const images = entries.filter(([, value]) => isImage(value));
  if (images.length > CARD_MAX_IMAGES) {
    ctx.addIssue({ code: "custom", message: `Send at most ${CARD_MAX_IMAGES} images` });
  }
  const text = JSON.stringify(entries.filter(([, value]) => !isDataUrl(value)));
  if (Buffer.byteLength(text) > CARD_MAX_FIELDS_TEXT_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `The field values are too long: at most ${CARD_MAX_FIELDS_TEXT_BYTES / 1024} KiB of text in all`,
    });
  }
});

/** A card's design: template, field values, size, theme and who may see it. */
const CardRequest = z.object({
  templateId: z.string().min(1).max(64),
  /**
   * Values for the template's fields (see its JSON Schema). Image fields take one of the caller's
   * uploads (`upload:<id>`) or a data URL (`data:image/png|jpeg|webp;base64,…`); images are never
   * fetched from the web.
   */
  fields: FieldValues,
  size: CardSize.default({ preset: "og" }),
  theme: CardTheme.default({ preset: "light" }),
  format: ImageFormat.default("png"),
  /** Output pixels per card pixel, for sharp images on dense screens. */
  scale: CardScale.default(1),
  /**
   * Encoder quality; defaults per format (see `DEFAULT_QUALITY`). PNG is lossless at 100 and
   * palette-quantised below; SVG ignores it.
   */
  quality: z.int().min(1).max(100).optional(),
  visibility: CardVisibility.default("private"),
});

/** What `createCard` takes: a design and the output wanted (format, scale, quality). */
export const CreateCardInput = CardRequest.superRefine((input, ctx) => {
  const { width, height } = resolveSize(input.size);
  const pixels = Math.round(width * input.scale) * Math.round(height * input.scale);
  if (input.format !== "svg" && pixels > CARD_MAX_OUTPUT_PIXELS) {
    ctx.addIssue({
      code: "custom",
      path: ["scale"],
      message: `At this size and scale the card would have ${pixels.toLocaleString("en")} pixels; the most is ${CARD_MAX_OUTPUT_PIXELS.toLocaleString("en")}. Use a smaller size or scale.`,
    });
  }
});
export type CreateCardInput = z.input<typeof CreateCardInput>;

/** A design without its output settings, for requests that choose those apart (exports). */
export const CardDesignInput = CardRequest.omit({ format: true, scale: true, quality: true });
export type CardDesignInput = z.input<typeof CardDesignInput>;

export const CardHistoryInput = z.object({
  /** From the previous page's `nextCursor`; omit for the newest cards. */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.int().min(1).max(100).default(20),
});
export type CardHistoryInput = z.input<typeof CardHistoryInput>;

export const DeleteCardInput = z.object({ id: z.uuid() });
export type DeleteCardInput = z.infer<typeof DeleteCardInput>;

/** A card's content address: lowercase SHA-256 hex. */
export const CardKey = z.string().regex(/^[0-9a-f]{64}$/, "Not a card key");

/** File extensions a card is served under; `thumb.webp` is its history thumbnail. */
export const CardImageExt = z.enum(["png", "webp", "jpg", "avif", "svg", "thumb.webp"]);
export type CardImageExt = z.infer<typeof CardImageExt>;

/** The extension a card of `format` is stored and served under. */
export const CARD_FILE_EXT: Readonly<Record<ImageFormat, Exclude<CardImageExt, "thumb.webp">>> = {
  png: "png",
  webp: "webp",
  jpeg: "jpg",
  avif: "avif",
  svg: "svg",
};

export const CARD_MIME: Readonly<Record<ImageFormat, string>> = {
  png: "image/png",
  webp: "image/webp",
  jpeg: "image/jpeg",
  avif: "image/avif",
  svg: "image/svg+xml",
};

export const ReadCardImageInput = z.object({ key: CardKey, ext: CardImageExt });
export type ReadCardImageInput = z.infer<typeof ReadCardImageInput>;

/** A card as its owner sees it right after creating it. */
export interface CreatedCard {
  id: string;
  /** Content address of the rendered bytes; identical requests share it. */
  key: string;
  /** Strong ETag of the image: the key, quoted. */
  etag: string;
  width: number;
  height: number;
  format: ImageFormat;
  mime: string;
  bytes: number;
  /** True when the bytes were already rendered and nothing was drawn for this request. */
  cached: boolean;
  warnings: CardWarning[];
  visibility: CardVisibility;
  createdAt: Date;
}

/** One entry of the owner's history. `image` and `thumbnail` are names `readCardImage` serves. */
export interface CardSummary {
  id: string;
  key: string;
  templateId: string;
  templateVersion: number;
  /**
   * The field values the card was made from, to reopen it in an editor. Image fields hold the
   * upload they were given as (`upload:<id>`), or `sha256:<hex>` of the bytes of an image sent as
   * a data URL (that image is not kept apart from the card).
   */
  fields: Record<string, unknown>;
  size: CardSize;
  theme: CardTheme;
  scale: number;
  quality: number;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  visibility: CardVisibility;
  warnings: CardWarning[];
  /** `<key>.<ext>` of the card image. */
  image: string;
  /** `<key>.thumb.webp`: the card's small WebP preview. */
  thumbnailKey: string;
  createdAt: Date;
}

export interface CardHistoryPage {
  items: CardSummary[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface CardImage {
  bytes: Uint8Array;
  mime: string;
  /** Public when any card with these bytes is public; hosts pick cache headers from it. */
  visibility: CardVisibility;
  etag: string;
}

export { parseInput } from "../validation";
