import { z } from "zod";

import type { ImageProviderId } from "../../../image-providers";

/** Longest prompt, in characters after trimming. */
export const IMAGE_GENERATE_MAX_PROMPT = 2000;
/** Longest negative prompt, in characters. */
export const IMAGE_GENERATE_MAX_NEGATIVE_PROMPT = 1000;
/** Smallest and largest width or height a task may ask for (the provider may allow less). */
export const IMAGE_GENERATE_MIN_SIDE = 256;
export const IMAGE_GENERATE_MAX_SIDE = 2048;
/** Most images one task makes. */
export const IMAGE_GENERATE_MAX_COUNT = 4;

/**
 * An `image.generate` task's input. Width and height are within what any provider could make;
 * the provider's own rules (VolcEngine: area and aspect ratio; OpenAI: the nearest listed size)
 * apply when the task runs, so the stored images may differ in size from the request.
 */
export const ImageGenerateInput = z.strictObject({
  prompt: z.string().trim().min(1).max(IMAGE_GENERATE_MAX_PROMPT),
  width: z.int().min(IMAGE_GENERATE_MIN_SIDE).max(IMAGE_GENERATE_MAX_SIDE),
  height: z.int().min(IMAGE_GENERATE_MIN_SIDE).max(IMAGE_GENERATE_MAX_SIDE),
  count: z.int().min(1).max(IMAGE_GENERATE_MAX_COUNT).default(1),
  /** Leave out for a random one. Not every provider honours it (see the image providers). */
  seed: z.int().min(0).max(2_147_483_647).optional(),
  /** Blank is the same as none. Ignored by providers whose API has no such field (both current ones). */
  negativePrompt: z.string().trim().max(IMAGE_GENERATE_MAX_NEGATIVE_PROMPT).optional(),
});
export type ImageGenerateInput = z.input<typeof ImageGenerateInput>;
/** The input as the handler gets it (defaults filled in). */
export type ImageGenerateJob = z.output<typeof ImageGenerateInput>;

/** One generated image the task stored, with its WebP thumbnail. */
export type ImageGenerateImageFile = {
  /** `image-<n>.<png|jpg|webp>`, n from 1. */
  name: string;
  key: string;
  bytes: number;
  contentType: "image/png" | "image/jpeg" | "image/webp";
  /** The stored image's own size (the provider may have used a size near the requested one). */
  width: number;
  height: number;
  /** The seed the image was made with, when the provider pinned it. */
  seed?: number;
  thumbnailName: string;
  thumbnailKey: string;
  thumbnailContentType: "image/webp";
};

/** The zip of every image (`images.zip`), for "download all". */
export type ImageGenerateZipFile = {
  name: string;
  key: string;
  bytes: number;
  contentType: "application/zip";
};

/** An `image.generate` task's output: the images in order, then the zip. */
export type ImageGenerateOutput = {
  provider: ImageProviderId;
  model: string;
  prompt: string;
  files: (ImageGenerateImageFile | ImageGenerateZipFile)[];
};

/** Which provider (never its credentials) a deployment's `image.generate` kind uses. */
export type ImageProviderInfo = { id: ImageProviderId; model: string };
