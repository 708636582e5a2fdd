import { z } from "zod";

import { DomainError } from "../../errors";
import { validationMessage } from "../../validation-messages";
import type { CardCanvas } from "./canvas";
import { THEME_PRESETS, type Palette, type ThemePreset } from "./theme";

/**
 * What a card template is: metadata, a zod schema of its fields (with limits), samples, and a
 * `render` that lays its slots out relative to the card's size.
 */

/** Card-relative measurements every template lays out with. */
export interface Frame {
  width: number;
  height: number;
  /**
   * 1% of the card's geometric mean side (capped for extreme aspect ratios by the short side):
   * type and spacing scale with it.
   */
  unit: number;
  /** Outer margin. */
  margin: number;
  /** width / height. */
  aspect: number;
  orientation: "landscape" | "square" | "portrait";
}

export interface RenderContext<Fields> {
  fields: Fields;
  palette: Palette;
  frame: Frame;
  canvas: CardCanvas;
}

export interface TemplateDefinition<S extends z.ZodObject> {
  /** kebab-case, stable. */
  id: string;
  /** Bumped whenever the design changes; part of the render cache key. */
  version: number;
  name: string;
  description: string;
  fields: S;
  /** Fields whose values are images (resolved by the pipeline into `ComposeRequest.images`). */
  imageFields: readonly (keyof z.input<S> & string)[];
  /** Values used for fields the request leaves out. */
  defaults: Partial<z.input<S>>;
  sample: z.input<S>;
  /** A Chinese sample with an emoji. */
  sampleZh: z.input<S>;
  themes?: readonly ThemePreset[];
  render(ctx: RenderContext<z.output<S>>): void;
}

/** A template as the engine and the pipeline use it (field types erased behind `parseFields`). */
export interface CardTemplate {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly description: string;
  readonly fields: z.ZodObject;
  readonly imageFields: readonly string[];
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly sample: Readonly<Record<string, unknown>>;
  readonly sampleZh: Readonly<Record<string, unknown>>;
  readonly themes: readonly ThemePreset[];
  /**
   * Validates field values (defaults filled in for missing ones); throws a VALIDATION
   * DomainError listing the field errors.
   */
  parseFields(fields: Record<string, unknown>): Record<string, unknown>;
  /** Draws the card from field values that `parseFields` accepted. */
  render(ctx: RenderContext<Record<string, unknown>>): void;
}

export function frameFor(width: number, height: number): Frame {
  const aspect = width / height;
  const unit = Math.min(Math.sqrt(width * height), 1.9 * Math.min(width, height)) / 100;
  return {
    width,
    height,
    unit,
    margin: Math.round(Math.max(16, Math.min(width, height) * 0.085)),
    aspect,
    orientation: aspect > 1.25 ? "landscape" : aspect < 0.8 ? "portrait" : "square",
  };
}

function withDefaults(
  defaults: Readonly<Record<string, unknown>>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** Wraps a typed definition; field values are parsed with its schema before `render` sees them. */
export function defineTemplate<S extends z.ZodObject>(def: TemplateDefinition<S>): CardTemplate {
  const defaults = def.defaults as Record<string, unknown>;
  const parse = (fields: Record<string, unknown>): z.output<S> => {
    const result = def.fields.safeParse(withDefaults(defaults, fields), {
      error: validationMessage,
    });
    if (!result.success) {
      throw new DomainError("VALIDATION", `The fields do not fit the "${def.id}" template`, {
        details: { fieldErrors: z.flattenError(result.error).fieldErrors },
      });
    }
    return result.data;
  };
  return {
    id: def.id,
    version: def.version,
    name: def.name,
    description: def.description,
    fields: def.fields,
    imageFields: def.imageFields,
    defaults,
    sample: def.sample,
    sampleZh: def.sampleZh,
    themes: def.themes ?? THEME_PRESETS,
    parseFields: parse,
    render: (ctx) => def.render({ ...ctx, fields: parse(ctx.fields) }),
  };
}
