// How the benchmark calls GenFlow's REST route for cards, `POST /api/generate` (apps/server's
// generate routes): a `CreateCardInput` body, answered with the image bytes (201), an ETag, and
// 304 when If-None-Match already has that ETag. This is the one place to adapt when the route
// changes; the bare Express anchor (http-target.ts) serves the very same request, so both sides
// stay in step.
import { CARD_SIZE, type BenchCase } from "./cases";

export const GENERATE_METHOD = "POST";
export const GENERATE_PATH = "/api/generate";
/** The status of a card answered with its bytes. */
export const GENERATE_STATUS = 201;
/** Set by GenFlow to "true" when the bytes came from already rendered ones. */
export const CACHED_HEADER = "x-card-cached";

/** The body asking for the case's card as PNG (the shapes of core's card.ts). */
export function generateBody(c: BenchCase, fields: Record<string, unknown>): string {
  return JSON.stringify({
    templateId: c.templateId,
    fields,
    size: { width: CARD_SIZE.width, height: CARD_SIZE.height },
    theme: { preset: "light" },
    format: "png",
  });
}

/**
 * The same card with one field made unique, so no cache can answer it: how the cold-over-HTTP
 * run renders afresh every time without a server setting that turns the cache off.
 */
export function uniqueBody(c: BenchCase, fields: Record<string, unknown>, n: number): string {
  const key = c.templateId === "quote" ? "source" : "date";
  const value = fields[key];
  return generateBody(c, { ...fields, [key]: `${typeof value === "string" ? value : ""} #${n}` });
}
