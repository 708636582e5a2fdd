import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { and, desc, eq, ilike } from "drizzle-orm";
import { z } from "zod";

import { DomainError, notFound } from "../errors";
import { parseInput } from "../validation";
import type { AiChatDeps } from "./deps";
import { sendMessage, type StartedReply } from "./replies";

const { chatPrompts, chatPromptVersions } = schema;

const Line = z.string().trim().max(2_000);

/** What the system prompt generator composes a prompt from. Every field is optional but one. */
export const PromptBrief = z.object({
  role: Line.optional(),
  goal: Line.optional(),
  audience: Line.optional(),
  constraints: z.array(Line.min(1)).max(30).optional(),
  tone: Line.optional(),
  outputFormat: Line.optional(),
  examples: z
    .array(
      z.object({
        input: z.string().trim().min(1).max(4_000),
        output: z.string().trim().min(1).max(4_000),
      }),
    )
    .max(10)
    .optional(),
});
export type PromptBrief = z.infer<typeof PromptBrief>;

/** `{{name}}`: letters, digits and underscores, starting with a letter. */
const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The variables a prompt uses, in order of first use. */
export function promptVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ""))];
}

/**
 * A structured system prompt from a brief: who the assistant is, what it is for, for whom, the
 * rules, the tone, the shape of its answers and examples — each section only when given.
 * Deterministic: the same brief always gives the same text.
 */
export function composeSystemPrompt(input: PromptBrief): string {
  const brief = parseInput(PromptBrief, input, "Invalid brief");
  const sections: string[] = [];
  if (brief.role)
    sections.push(`You are ${brief.role.replace(/^you are\s+/i, "").replace(/\.$/, "")}.`);
  if (brief.goal) sections.push(`## Goal\n${brief.goal}`);
  if (brief.audience)
    sections.push(
      `## Audience\nYou are talking to ${brief.audience.replace(/\.$/, "")}. Adjust vocabulary, depth and examples to them.`,
    );
  if (brief.constraints?.length)
    sections.push(`## Rules\n${brief.constraints.map((rule) => `- ${rule}`).join("\n")}`);
  if (brief.tone) sections.push(`## Tone\nWrite in a ${brief.tone.replace(/\.$/, "")} tone.`);
  if (brief.outputFormat) sections.push(`## Output format\n${brief.outputFormat}`);
  if (brief.examples?.length) {
    sections.push(
      `## Examples\n${brief.examples
        .map(
          (example, index) =>
            `### Example ${index + 1}\nInput:\n${example.input}\n\nOutput:\n${example.output}`,
        )
        .join("\n\n")}`,
    );
  }
  if (sections.length === 0) {
    throw new DomainError("VALIDATION", "Describe at least the role or the goal", {
      details: { fieldErrors: { role: ["Required when there is no goal"] } },
    });
  }
  if (!brief.role) sections.unshift("You are a helpful assistant.");
  return sections.join("\n\n");
}

const MAX_PROMPT_CHARS = 16_000;

export const SavePromptInput = z.object({
  /** Omit to create a prompt; give it to add a version. */
  id: z.uuid().optional(),
  name: z.string().trim().min(1).max(120),
  content: z.string().trim().min(1).max(MAX_PROMPT_CHARS),
  brief: PromptBrief.optional(),
});
export type SavePromptInput = z.infer<typeof SavePromptInput>;

export const PromptIdInput = z.object({ id: z.uuid() });
export const ListPromptsInput = z.object({ search: z.string().trim().max(200).optional() });
export const RenderPromptInput = z.object({
  id: z.uuid(),
  /** Omit for the newest. */
  version: z.number().int().min(1).optional(),
  values: z.record(z.string(), z.string().max(4_000)).default({}),
});
export const RefinePromptInput = z.object({
  content: z.string().trim().min(1).max(MAX_PROMPT_CHARS),
  providerId: z.string().min(1).max(32).optional(),
  model: z.string().min(1).max(200).optional(),
});

export interface SavedPrompt {
  id: string;
  name: string;
  latestVersion: number;
  content: string;
  variables: string[];
  brief: PromptBrief | null;
  createdAt: Date;
  updatedAt: Date;
}

async function loadPrompt(deps: AiChatDeps, userId: string, id: string) {
  const [row] = await deps.db
    .select()
    .from(chatPrompts)
    .where(and(eq(chatPrompts.id, id), eq(chatPrompts.userId, userId)));
  if (!row) throw notFound("Prompt");
  return row;
}

async function loadVersion(deps: AiChatDeps, promptId: string, version: number) {
  const [row] = await deps.db
    .select()
    .from(chatPromptVersions)
    .where(and(eq(chatPromptVersions.promptId, promptId), eq(chatPromptVersions.version, version)));
  if (!row) throw notFound("Prompt version");
  return row;
}

const toSaved = (
  prompt: schema.ChatPromptRow,
  version: schema.ChatPromptVersionRow,
): SavedPrompt => ({
  id: prompt.id,
  name: prompt.name,
  latestVersion: prompt.latestVersion,
  content: version.content,
  variables: version.variables,
  brief: version.brief,
  createdAt: prompt.createdAt,
  updatedAt: prompt.updatedAt,
});

/** Saves a prompt to the library; a changed text on an existing prompt is a new version (old ones stay). */
export async function savePrompt(
  deps: AiChatDeps,
  params: { userId: string; input: SavePromptInput },
): Promise<SavedPrompt> {
  const input = parseInput(SavePromptInput, params.input, "Invalid prompt");
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!input.id) {
      const [prompt] = await tx
        .insert(chatPrompts)
        .values({
          id: randomUUID(),
          userId: params.userId,
          name: input.name,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const [version] = await tx
        .insert(chatPromptVersions)
        .values({
          promptId: prompt?.id ?? "",
          version: 1,
          content: input.content,
          variables: promptVariables(input.content),
          brief: input.brief ?? null,
          createdAt: now,
        })
        .returning();
      if (!prompt || !version) throw new Error("insert returned nothing");
      return toSaved(prompt, version);
    }
    const [current] = await tx
      .select()
      .from(chatPrompts)
      .where(and(eq(chatPrompts.id, input.id), eq(chatPrompts.userId, params.userId)))
      .for("update");
    if (!current) throw notFound("Prompt");
    const [latest] = await tx
      .select()
      .from(chatPromptVersions)
      .where(
        and(
          eq(chatPromptVersions.promptId, current.id),
          eq(chatPromptVersions.version, current.latestVersion),
        ),
      );
    let version = latest;
    if (!latest || latest.content !== input.content) {
      [version] = await tx
        .insert(chatPromptVersions)
        .values({
          promptId: current.id,
          version: current.latestVersion + 1,
          content: input.content,
          variables: promptVariables(input.content),
          brief: input.brief ?? latest?.brief ?? null,
          createdAt: now,
        })
        .returning();
    }
    const [prompt] = await tx
      .update(chatPrompts)
      .set({
        name: input.name,
        latestVersion: version?.version ?? current.latestVersion,
        updatedAt: now,
      })
      .where(eq(chatPrompts.id, current.id))
      .returning();
    if (!prompt || !version) throw new Error("update returned nothing");
    return toSaved(prompt, version);
  });
}

/** The caller's prompts, most recently changed first, each with its newest text. */
export async function listPrompts(
  deps: AiChatDeps,
  params: { userId: string; input: z.input<typeof ListPromptsInput> },
): Promise<SavedPrompt[]> {
  const input = parseInput(ListPromptsInput, params.input, "Invalid prompt query");
  const conditions = [eq(chatPrompts.userId, params.userId)];
  if (input.search)
    conditions.push(
      ilike(chatPrompts.name, `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
    );
  const rows = await deps.db
    .select()
    .from(chatPrompts)
    .innerJoin(
      chatPromptVersions,
      and(
        eq(chatPromptVersions.promptId, chatPrompts.id),
        eq(chatPromptVersions.version, chatPrompts.latestVersion),
      ),
    )
    .where(and(...conditions))
    .orderBy(desc(chatPrompts.updatedAt))
    .limit(200);
  return rows.map((row) => toSaved(row.chat_prompts, row.chat_prompt_versions));
}

/** A prompt with every version, newest first. */
export async function getPrompt(
  deps: AiChatDeps,
  params: { userId: string; input: z.input<typeof PromptIdInput> },
) {
  const input = parseInput(PromptIdInput, params.input, "Invalid prompt id");
  const prompt = await loadPrompt(deps, params.userId, input.id);
  const versions = await deps.db
    .select()
    .from(chatPromptVersions)
    .where(eq(chatPromptVersions.promptId, prompt.id))
    .orderBy(desc(chatPromptVersions.version));
  const latest = versions[0];
  if (!latest) throw notFound("Prompt version");
  return {
    ...toSaved(prompt, latest),
    versions: versions.map((v) => ({
      version: v.version,
      content: v.content,
      variables: v.variables,
      createdAt: v.createdAt,
    })),
  };
}

export async function deletePrompt(
  deps: AiChatDeps,
  params: { userId: string; input: z.input<typeof PromptIdInput> },
): Promise<{ id: string }> {
  const input = parseInput(PromptIdInput, params.input, "Invalid prompt id");
  const prompt = await loadPrompt(deps, params.userId, input.id);
  await deps.db.delete(chatPrompts).where(eq(chatPrompts.id, prompt.id));
  return { id: prompt.id };
}

/** A saved prompt's text with its `{{variables}}` filled in; every variable needs a value. */
export async function renderPrompt(
  deps: AiChatDeps,
  params: { userId: string; input: z.input<typeof RenderPromptInput> },
): Promise<{ text: string; version: number }> {
  const input = parseInput(RenderPromptInput, params.input, "Invalid values");
  const prompt = await loadPrompt(deps, params.userId, input.id);
  const version = await loadVersion(deps, prompt.id, input.version ?? prompt.latestVersion);
  const missing = version.variables.filter((name) => !input.values[name]?.trim());
  if (missing.length > 0) {
    throw new DomainError(
      "VALIDATION",
      `Give a value for ${missing.map((m) => `{{${m}}}`).join(", ")}`,
      {
        details: { missing },
      },
    );
  }
  const text = version.content.replace(VARIABLE, (_, name: string) => input.values[name] ?? "");
  return { text, version: version.version };
}

const PROMPT_ENGINEER = [
  "You are an expert prompt engineer. You improve system prompts for AI assistants.",
  "Rewrite the system prompt you are given so that it is clear, specific and complete: state the role, the goal, the audience, the rules, the tone and the output format; remove contradictions and vague words; keep every {{variable}} placeholder exactly as written; keep the prompt's language.",
  "Answer with the improved system prompt only, in Markdown, without any preamble or closing remarks.",
].join("\n");

/**
 * Asks the model to refine a system prompt. The refinement is a reply like any other (it streams,
 * survives reloads, can be stopped and continued) in a new conversation the user can go on with.
 */
export async function refinePrompt(
  deps: AiChatDeps,
  params: { userId: string; input: z.input<typeof RefinePromptInput> },
): Promise<StartedReply> {
  const input = parseInput(RefinePromptInput, params.input, "Invalid prompt");
  return sendMessage(deps, {
    userId: params.userId,
    input: {
      content: `Improve this system prompt:\n\n${input.content}`,
      systemPrompt: PROMPT_ENGINEER,
      providerId: input.providerId,
      model: input.model,
    },
  });
}
