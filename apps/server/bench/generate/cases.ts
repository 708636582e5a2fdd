// The cards every contender renders: GenFlow's own templates with their own sample text, at the
// Open Graph size in the light theme.
import { getTemplate, type ComposeRequest } from "@genflow/core/generate";

export const CASE_IDS = ["cover-latin", "cover-cjk", "quote-latin", "quote-cjk"] as const;
export type CaseId = (typeof CASE_IDS)[number];

export function isCaseId(value: string): value is CaseId {
  return (CASE_IDS as readonly string[]).includes(value);
}

export type Script = "latin" | "cjk";
export type TemplateId = "article-cover" | "quote";

export interface BenchCase {
  id: CaseId;
  label: string;
  script: Script;
  templateId: TemplateId;
  /** Which of the template's samples supplies the text (the Chinese ones include an emoji). */
  sample: "sample" | "sampleZh";
}

export const CASES: Record<CaseId, BenchCase> = {
  "cover-latin": {
    id: "cover-latin",
    label: "Article cover, Latin",
    script: "latin",
    templateId: "article-cover",
    sample: "sample",
  },
  "cover-cjk": {
    id: "cover-cjk",
    label: "Article cover, CJK + emoji",
    script: "cjk",
    templateId: "article-cover",
    sample: "sampleZh",
  },
  "quote-latin": {
    id: "quote-latin",
    label: "Quote, Latin",
    script: "latin",
    templateId: "quote",
    sample: "sample",
  },
  "quote-cjk": {
    id: "quote-cjk",
    label: "Quote, CJK + emoji",
    script: "cjk",
    templateId: "quote",
    sample: "sampleZh",
  },
};

/** The Open Graph preset, 1200 × 630 at scale 1. */
export const CARD_SIZE = { width: 1200, height: 630 } as const;

/** The card's field values: the template's own sample, read from the engine. */
export function caseFields(c: BenchCase): Record<string, unknown> {
  const template = getTemplate(c.templateId);
  if (!template) throw new Error(`the engine has no "${c.templateId}" template`);
  return { ...template[c.sample] };
}

export function composeRequest(c: BenchCase): ComposeRequest {
  return {
    templateId: c.templateId,
    fields: caseFields(c),
    ...CARD_SIZE,
    theme: { preset: "light" },
    images: {},
  };
}
