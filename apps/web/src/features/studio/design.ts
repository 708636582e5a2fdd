import { fieldSpecsOf, fieldsFromValues, valuesFromFields } from "./schema-fields";
import type { FieldSpec, FormValues } from "./schema-fields";
import type {
  CardInput,
  CardTemplate,
  HistoryCard,
  ImageFormat,
  SizePreset,
  ThemePreset,
  Visibility,
} from "./types";

/** Everything the studio edits about a card, as its controls hold it. */

/** The API's named sizes (its contract), shown next to each choice. */
export const SIZE_PRESETS: Readonly<Record<SizePreset, { width: number; height: number }>> = {
  og: { width: 1200, height: 630 },
  square: { width: 1080, height: 1080 },
  story: { width: 1080, height: 1920 },
  wide: { width: 1600, height: 900 },
};
export const SIZE_PRESET_IDS = ["og", "square", "story", "wide"] as const satisfies SizePreset[];

/** Bounds of a custom size, and of the output after scaling: the server refuses anything else. */
export const CUSTOM_SIDE = { min: 200, max: 2400 } as const;
export const MAX_OUTPUT_PIXELS = 16_000_000;

export const THEME_PRESET_IDS = [
  "light",
  "dark",
  "brand",
  "gradient",
] as const satisfies ThemePreset[];
export const FORMATS = ["png", "webp", "jpeg", "avif", "svg"] as const satisfies ImageFormat[];
export const SCALES = [1, 2, 3] as const;
export type Scale = (typeof SCALES)[number];

export type ColorSlot = "primary" | "secondary" | "background" | "foreground";

/** The brand colours each preset paints with (the others would have no effect). */
export const COLOR_SLOTS: Readonly<Record<ThemePreset, readonly ColorSlot[]>> = {
  light: ["primary", "background", "foreground"],
  dark: ["primary", "background", "foreground"],
  brand: ["primary", "secondary", "background", "foreground"],
  gradient: ["primary", "secondary", "foreground"],
};

export type SizeChoice =
  { kind: "preset"; preset: SizePreset } | { kind: "custom"; width: string; height: string };

export interface ThemeChoice {
  preset: ThemePreset;
  /** Colours the user picked (`#rrggbb`); a missing slot uses the preset's own colour. */
  colors: Partial<Record<ColorSlot, string>>;
}

export interface Design {
  templateId: string;
  values: FormValues;
  size: SizeChoice;
  theme: ThemeChoice;
  format: ImageFormat;
  scale: Scale;
  visibility: Visibility;
}

export type SideIssue = "notInteger" | "outOfRange";

/** What is wrong with a custom size before the server is asked. */
export function sizeIssues(size: SizeChoice): { width?: SideIssue; height?: SideIssue } {
  if (size.kind === "preset") return {};
  const check = (raw: string): SideIssue | undefined => {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(value)) return "notInteger";
    if (value < CUSTOM_SIDE.min || value > CUSTOM_SIDE.max) return "outOfRange";
    return undefined;
  };
  const width = check(size.width);
  const height = check(size.height);
  return { ...(width ? { width } : {}), ...(height ? { height } : {}) };
}

/** The card's size in CSS pixels, or null while a custom size is not valid. */
export function dimensionsOf(size: SizeChoice): { width: number; height: number } | null {
  if (size.kind === "preset") return SIZE_PRESETS[size.preset];
  const issues = sizeIssues(size);
  if (issues.width || issues.height) return null;
  return { width: Number(size.width), height: Number(size.height) };
}

/** Whether a card this size fits the output limit at `scale`. */
export function scaleFits(dimensions: { width: number; height: number }, scale: number): boolean {
  return (
    Math.round(dimensions.width * scale) * Math.round(dimensions.height * scale) <=
    MAX_OUTPUT_PIXELS
  );
}

/** The scale a request uses: SVG has no pixels to scale; others step down until they fit. */
export function effectiveScale(design: Pick<Design, "size" | "format" | "scale">): Scale {
  if (design.format === "svg") return 1;
  const dimensions = dimensionsOf(design.size);
  if (!dimensions) return design.scale;
  const fitting = SCALES.filter((scale) => scale <= design.scale && scaleFits(dimensions, scale));
  return fitting.at(-1) ?? 1;
}

function sizeInput(size: SizeChoice): CardInput["size"] {
  if (size.kind === "preset") return { preset: size.preset };
  return { width: Number(size.width), height: Number(size.height) };
}

function themeInput(theme: ThemeChoice): NonNullable<CardInput["theme"]> {
  const out: NonNullable<CardInput["theme"]> = { preset: theme.preset };
  for (const slot of COLOR_SLOTS[theme.preset]) {
    const color = theme.colors[slot];
    if (color) out[slot] = color;
  }
  return out;
}

/** The card request for a design, or null while the design cannot be sent (a bad custom size). */
export function cardInputOf(specs: readonly FieldSpec[], design: Design): CardInput | null {
  if (!dimensionsOf(design.size)) return null;
  return {
    templateId: design.templateId,
    fields: fieldsFromValues(specs, design.values),
    size: sizeInput(design.size),
    theme: themeInput(design.theme),
    format: design.format,
    scale: effectiveScale(design),
    visibility: design.visibility,
  };
}

/**
 * The request for a live preview: the design without its output settings, which do not change
 * the picture (the preview is always SVG at 1×), so changing them renders nothing new.
 */
export function previewInputOf(
  specs: readonly FieldSpec[],
  design: Omit<Design, "format" | "scale" | "visibility">,
): CardInput | null {
  return cardInputOf(specs, { ...design, format: "svg", scale: 1, visibility: "private" });
}

/** The starting values of a template: its defaults overlaid with a sample. */
export function sampleValues(template: CardTemplate, language: "en" | "zh"): FormValues {
  const specs = fieldSpecsOf(template.jsonSchema, template.imageFields);
  const sample = language === "zh" ? template.sampleZh : template.sample;
  return valuesFromFields(specs, { ...template.defaults, ...sample }).values;
}

const isScale = (value: number): value is Scale => (SCALES as readonly number[]).includes(value);

/** A card from history back in the editor; images it had inline must be picked again. */
export function designFromHistory(
  template: CardTemplate,
  card: HistoryCard,
): { design: Design; missingImages: string[] } {
  const specs = fieldSpecsOf(template.jsonSchema, template.imageFields);
  const { values, missingImages } = valuesFromFields(specs, card.fields);
  const size: SizeChoice =
    "preset" in card.size
      ? { kind: "preset", preset: card.size.preset }
      : { kind: "custom", width: String(card.size.width), height: String(card.size.height) };
  const colors: ThemeChoice["colors"] = {};
  for (const slot of ["primary", "secondary", "background", "foreground"] as const) {
    const color = card.theme[slot];
    if (color) colors[slot] = color;
  }
  return {
    design: {
      templateId: template.id,
      values,
      size,
      theme: { preset: card.theme.preset, colors },
      format: card.format,
      scale: isScale(card.scale) ? card.scale : 1,
      visibility: card.visibility,
    },
    missingImages,
  };
}

/** A download's file name (without extension) from the card's headline, else its template. */
export function downloadName(headline: string, templateId: string): string {
  const slug = headline
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  const short = Array.from(slug).slice(0, 60).join("").replace(/-+$/, "");
  return short === "" ? templateId : short;
}
