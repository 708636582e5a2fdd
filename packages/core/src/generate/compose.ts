import {
  CARD_MAX_SIDE,
  CARD_MIN_SIDE,
  CardTheme,
  type ComposeRequest,
  type ComposedCard,
  type EmbeddedImage,
} from "./card";
import { DomainError, notFound } from "../errors";
import { fontLibrary, type FontLoadTiming, type LoadFontsOptions } from "./fonts/font-library";
import { CardCanvas } from "./templates/canvas";
import { getTemplate, listTemplates } from "./templates";
import { frameFor } from "./templates/template";
import { resolvePalette } from "./templates/theme";

/**
 * Turns a compose request into an SVG whose text is drawn as glyph outlines (no fonts needed to
 * rasterise it) and whose emoji are inline pictures, so every rasteriser renders it the same.
 */

const IMAGE_MIMES = new Set(["image/png", "image/jpeg"]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Longest accessible title; the card's full text is in the fields anyway. */
const TITLE_LIMIT = 1000;

function checkImages(images: Record<string, EmbeddedImage>, allowed: readonly string[]) {
  const usable: Record<string, EmbeddedImage> = {};
  for (const field of allowed) {
    const image = images[field];
    if (!image) continue;
    if (!IMAGE_MIMES.has(image.mime) || !BASE64.test(image.base64)) {
      throw new DomainError("VALIDATION", "An image could not be embedded in the card", {
        details: { field },
      });
    }
    usable[field] = image;
  }
  return usable;
}

function shorten(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join("")}…`;
}

/**
 * Composes a card: validates the size, theme, images and (through the template) the fields,
 * then draws the template. Warnings (missing glyphs, shortened text) come back with the SVG.
 */
export function composeCard(request: ComposeRequest): ComposedCard {
  const template = getTemplate(request.templateId);
  if (!template) throw notFound("Template", { templateId: request.templateId });
  const { width, height } = request;
  const sideOk = (v: number) => Number.isInteger(v) && v >= CARD_MIN_SIDE && v <= CARD_MAX_SIDE;
  if (!sideOk(width) || !sideOk(height)) {
    throw new DomainError("VALIDATION", "The card size is out of range", {
      details: { min: CARD_MIN_SIDE, max: CARD_MAX_SIDE, width, height },
    });
  }
  const theme = CardTheme.safeParse(request.theme);
  if (!theme.success) {
    throw new DomainError("VALIDATION", "The theme is not valid", {
      details: { issues: theme.error.issues.map((i) => ({ path: i.path, message: i.message })) },
    });
  }
  const canvas = new CardCanvas(
    width,
    height,
    fontLibrary(),
    checkImages(request.images, template.imageFields),
  );
  // `render` validates the fields against the template's schema before drawing anything.
  template.render({
    fields: request.fields,
    palette: resolvePalette(theme.data),
    frame: frameFor(width, height),
    canvas,
  });
  return {
    svg: canvas.doc.serialize(shorten(canvas.spokenText(), TITLE_LIMIT) || template.name),
    width,
    height,
    warnings: canvas.warnings,
  };
}

let warmedUp = false;

/**
 * Warm-up for a process or worker thread: loads the bundled fonts (Latin, Greek and Cyrillic now;
 * the CJK subsets on first need, or now with `{ cjk: "eager" }`) and composes each template's
 * sample once, so the first real card does not pay for parsing glyph tables, compiling schemas
 * or setting up the shaper, segmenter and line breaker. Idempotent: later calls only load what is
 * still missing, and report 0 ms when nothing was left to do.
 */
export function loadFonts(options: LoadFontsOptions = {}): FontLoadTiming {
  const started = performance.now();
  const timing = fontLibrary().load(options);
  if (warmedUp) return timing;
  warmedUp = true;
  for (const template of listTemplates()) {
    composeCard({
      templateId: template.id,
      fields: { ...template.sample },
      width: 1200,
      height: 630,
      theme: { preset: "light" },
      images: {},
    });
  }
  composeCard({
    templateId: "quote",
    fields: {
      quote:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 !?&@#%()[]/:;,.'\"-–— 🎉",
    },
    width: 1200,
    height: 630,
    theme: { preset: "dark" },
    images: {},
  });
  return { ...timing, ms: performance.now() - started };
}
