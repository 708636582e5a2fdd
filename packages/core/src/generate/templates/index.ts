import { z } from "zod";

import { announcementTemplate } from "./announcement";
import { articleCoverTemplate } from "./article-cover";
import { profileStatsTemplate } from "./profile-stats";
import { quoteTemplate } from "./quote";
import type { CardTemplate } from "./template";
import type { ThemePreset } from "./theme";

/** The template registry. */

const TEMPLATES: readonly CardTemplate[] = [
  quoteTemplate,
  articleCoverTemplate,
  announcementTemplate,
  profileStatsTemplate,
];

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));

/** A template as listed to clients: what it is, its fields' JSON Schema, defaults, samples. */
export interface TemplateSummary {
  id: string;
  version: number;
  name: string;
  description: string;
  jsonSchema: Record<string, unknown>;
  imageFields: readonly string[];
  defaults: Readonly<Record<string, unknown>>;
  sample: Readonly<Record<string, unknown>>;
  sampleZh: Readonly<Record<string, unknown>>;
  themes: readonly ThemePreset[];
}

let summaries: TemplateSummary[] | undefined;

/** Every template, with its fields as JSON Schema (computed once). */
export function listTemplates(): TemplateSummary[] {
  summaries ??= TEMPLATES.map((t) => ({
    id: t.id,
    version: t.version,
    name: t.name,
    description: t.description,
    jsonSchema: z.toJSONSchema(t.fields),
    imageFields: t.imageFields,
    defaults: t.defaults,
    sample: t.sample,
    sampleZh: t.sampleZh,
    themes: t.themes,
  }));
  return summaries;
}

/** The template with this id, or undefined. */
export function getTemplate(id: string): CardTemplate | undefined {
  return BY_ID.get(id);
}

export type { CardTemplate } from "./template";
