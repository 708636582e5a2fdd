import type { Design, Scale, SizeChoice, ThemeChoice } from "./design";
import type { FormValues } from "./schema-fields";
import type { ImageFormat, Visibility } from "./types";

/**
 * What the user has changed in the studio. A template's values are kept once edited (switching
 * back finds them again); untouched templates show their sample in the UI language.
 */
export interface Draft {
  /** null: the first template. */
  templateId: string | null;
  values: Readonly<Record<string, FormValues>>;
  /** Per template: image fields of a reopened card that need picking again. */
  missingImages: Readonly<Record<string, readonly string[]>>;
  size: SizeChoice;
  theme: ThemeChoice;
  format: ImageFormat;
  scale: Scale;
  visibility: Visibility;
}

export const INITIAL_DRAFT: Draft = {
  templateId: null,
  values: {},
  missingImages: {},
  size: { kind: "preset", preset: "og" },
  theme: { preset: "light", colors: {} },
  format: "png",
  scale: 1,
  visibility: "private",
};

/** The draft with a design (e.g. a card from history) loaded into the editor. */
export function withDesign(draft: Draft, design: Design, missingImages: readonly string[]): Draft {
  return {
    ...draft,
    templateId: design.templateId,
    values: { ...draft.values, [design.templateId]: design.values },
    missingImages: { ...draft.missingImages, [design.templateId]: missingImages },
    size: design.size,
    theme: design.theme,
    format: design.format,
    scale: design.scale,
    visibility: design.visibility,
  };
}
