import type { PromptBriefInput } from "./types";

/**
 * The brief as the form holds it: every field a string (empty when not given), rules and
 * examples as editable rows. `briefInput` turns it into what the server composes from.
 */
export interface BriefDraft {
  role: string;
  goal: string;
  audience: string;
  tone: string;
  outputFormat: string;
  constraints: string[];
  examples: { input: string; output: string }[];
}

export const EMPTY_BRIEF: BriefDraft = {
  role: "",
  goal: "",
  audience: "",
  tone: "",
  outputFormat: "",
  constraints: [],
  examples: [],
};

const LINES = ["role", "goal", "audience", "tone", "outputFormat"] as const;

/**
 * What the server composes from: trimmed, without empty fields, empty rules or half-written
 * examples. Null when nothing is given (the server would refuse it).
 */
export function briefInput(draft: BriefDraft): PromptBriefInput | null {
  const input: PromptBriefInput = {};
  for (const key of LINES) {
    const value = draft[key].trim();
    if (value) input[key] = value;
  }
  const constraints = draft.constraints.map((rule) => rule.trim()).filter(Boolean);
  if (constraints.length > 0) input.constraints = constraints;
  const examples = draft.examples
    .map((example) => ({ input: example.input.trim(), output: example.output.trim() }))
    .filter((example) => example.input && example.output);
  if (examples.length > 0) input.examples = examples;
  return Object.keys(input).length > 0 ? input : null;
}

/** A saved brief back in the form. */
export function draftOf(brief: PromptBriefInput | null | undefined): BriefDraft {
  if (!brief) return EMPTY_BRIEF;
  return {
    role: brief.role ?? "",
    goal: brief.goal ?? "",
    audience: brief.audience ?? "",
    tone: brief.tone ?? "",
    outputFormat: brief.outputFormat ?? "",
    constraints: [...(brief.constraints ?? [])],
    examples: (brief.examples ?? []).map((example) => ({ ...example })),
  };
}

/** Examples with only one side written: left out of the prompt until both are there. */
export function incompleteExamples(draft: BriefDraft): number {
  return draft.examples.filter(
    (example) => Boolean(example.input.trim()) !== Boolean(example.output.trim()),
  ).length;
}

/** `{{name}}`: letters, digits and underscores, starting with a letter (as the server reads them). */
const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The variables a prompt uses, in order of first use. */
export function promptVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ""))];
}

/**
 * The refined prompt to use: the model's answer without a code fence around all of it (some
 * models wrap the prompt in one despite being asked not to).
 */
export function unwrapFence(text: string): string {
  const trimmed = text.trim();
  const fenced = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\1\s*$/.exec(trimmed);
  return (fenced?.[2] ?? trimmed).trim();
}
