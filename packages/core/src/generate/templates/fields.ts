import { z } from "zod";

/** Field schemas shared by the templates, with the limits that keep a card legible. */

/** Text shown as a heading: one to a few lines. */
export const titleText = (max = 120) => z.string().trim().min(1).max(max);

/** An optional short line of text; empty means "leave it out". */
export const optionalText = (max: number) => z.string().trim().max(max).optional();

/** Longer body text (kept paragraphs: line breaks are honoured). */
export const bodyText = (max: number) => z.string().trim().max(max);

/**
 * An image: one of the caller's uploads (`upload:<id>`) or a data: URL; the pipeline validates
 * and resolves it into an embedded PNG/JPEG before the card is composed.
 */
export const imageRef = () =>
  z
    .string()
    .min(1)
    .max(12_000_000)
    .optional()
    .describe("An uploaded image (upload:<id>), or a data: URL of a PNG, JPEG or WebP image");
