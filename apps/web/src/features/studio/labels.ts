import type { TFunction } from "i18next";

import { en } from "../../locales/en";
import type { ColorSlot } from "./design";
import type { CardTemplate, ThemePreset } from "./types";

/**
 * Names the studio shows for what the API describes in English only: templates and their fields.
 * Known ones are translated; anything new still shows, under the API's own name.
 */

type FieldName = keyof typeof en.studio.field;

const isFieldName = (name: string): name is FieldName => Object.hasOwn(en.studio.field, name);

/** "ctaText" / "cta_text" → "Cta text", for fields the locale files do not know yet. */
function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldLabel(t: TFunction, name: string): string {
  return isFieldName(name) ? t(`studio.field.${name}`) : humanize(name);
}

const TEMPLATE_KEYS = {
  quote: "quote",
  "article-cover": "articleCover",
  announcement: "announcement",
  "profile-stats": "profileStats",
} as const;

type KnownTemplate = keyof typeof TEMPLATE_KEYS;
const isKnownTemplate = (id: string): id is KnownTemplate => Object.hasOwn(TEMPLATE_KEYS, id);

export function templateName(t: TFunction, template: Pick<CardTemplate, "id" | "name">): string {
  return isKnownTemplate(template.id)
    ? t(`studio.templates.${TEMPLATE_KEYS[template.id]}.name`)
    : template.name;
}

export function templateDescription(
  t: TFunction,
  template: Pick<CardTemplate, "id" | "description">,
): string {
  return isKnownTemplate(template.id)
    ? t(`studio.templates.${TEMPLATE_KEYS[template.id]}.description`)
    : template.description;
}

/** What each colour does in each preset (see the engine's palette rules). */
export function colorLabel(t: TFunction, preset: ThemePreset, slot: ColorSlot): string {
  switch (slot) {
    case "primary":
      return preset === "brand"
        ? t("studio.design.color.brand")
        : preset === "gradient"
          ? t("studio.design.color.gradientStart")
          : t("studio.design.color.accent");
    case "secondary":
      return preset === "gradient"
        ? t("studio.design.color.gradientEnd")
        : t("studio.design.color.highlight");
    case "background":
      return t("studio.design.color.background");
    case "foreground":
      return t("studio.design.color.foreground");
  }
}
