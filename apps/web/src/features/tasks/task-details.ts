import type { TFunction } from "i18next";

import { localizeFieldMessage } from "../../lib/field-message";

import { CARDS_BATCH_KIND, CUTOUT_BATCH_KIND, IMAGE_GENERATE_KIND } from "./types";
import type { TaskItem, TaskStatus } from "./types";

/** A kind's name for people; unknown kinds show as they are called. */
export function kindLabel(t: TFunction, kind: string): string {
  if (kind === CARDS_BATCH_KIND) return t("tasks.kind.cardsBatch");
  if (kind === IMAGE_GENERATE_KIND) return t("tasks.kind.imageGenerate");
  if (kind === CUTOUT_BATCH_KIND) return t("tasks.kind.cutoutBatch");
  return kind;
}

export const STATUS_TONE = {
  queued: "neutral",
  running: "accent",
  succeeded: "success",
  failed: "danger",
  canceled: "neutral",
  interrupted: "warning",
} as const satisfies Record<TaskStatus, "neutral" | "accent" | "success" | "warning" | "danger">;

/** Statuses a task can be retried from, and those it can be canceled in. */
export const canRetry = (task: Pick<TaskItem, "status">) =>
  task.status === "failed" || task.status === "canceled" || task.status === "interrupted";
export const canCancel = (task: Pick<TaskItem, "status" | "cancelRequested">) =>
  (task.status === "queued" || task.status === "running") && !task.cancelRequested;
/** A running task's handler may still write files: it must be canceled before deleting. */
export const canDelete = (task: Pick<TaskItem, "status">) => task.status !== "running";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const positiveInt = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;

/** What a card batch was asked for, as far as its input tells. */
export interface BatchSummary {
  templateId: string | null;
  format: string | null;
  /** Rows sent as JSON; null for CSV (its line count is not its row count). */
  rows: number | null;
  /** Cards made, once it succeeded. */
  cards: number | null;
}

export function batchSummaryOf(task: Pick<TaskItem, "input" | "output">): BatchSummary {
  const { input, output } = task;
  return {
    templateId: typeof input.templateId === "string" ? input.templateId : null,
    format: typeof input.format === "string" ? input.format : null,
    rows: Array.isArray(input.rows) ? input.rows.length : null,
    cards: positiveInt(output?.["count"]),
  };
}

/** An AI image request (`image.generate` input): enough to show it and to ask again. */
export interface ImageRequestInput {
  prompt: string;
  width: number;
  height: number;
  count: number;
  seed?: number;
  negativePrompt?: string;
}

/** The request an image task was made from, or null when its input is not one. */
export function imageInputOf(input: Record<string, unknown>): ImageRequestInput | null {
  const { prompt, negativePrompt, seed } = input;
  const width = positiveInt(input.width);
  const height = positiveInt(input.height);
  const count = positiveInt(input.count);
  if (typeof prompt !== "string" || !width || !height || !count) return null;
  return {
    prompt,
    width,
    height,
    count,
    ...(typeof seed === "number" && Number.isInteger(seed) && seed >= 0 ? { seed } : {}),
    ...(typeof negativePrompt === "string" && negativePrompt.trim() !== ""
      ? { negativePrompt }
      : {}),
  };
}

/** One thing a refused batch row got wrong. */
export interface RowIssue {
  row: number;
  field: string | null;
  message: string;
}

/** Rows a batch could not turn into cards (`details.rows` of its VALIDATION error), readable. */
export interface RowIssues {
  issues: RowIssue[];
  /** Rows refused in all, which may be more than those listed. */
  total: number;
}

/**
 * Reads `details.rows` (`[{ row, message, fieldErrors }]`) and `details.invalidRows` of a refused
 * batch into one line per field problem, in the page's language. Null when the details name no
 * rows.
 */
export function rowIssuesOf(
  details: Record<string, unknown> | null,
  t: TFunction,
): RowIssues | null {
  const rows = details?.["rows"];
  if (!Array.isArray(rows)) return null;
  const issues: RowIssue[] = [];
  let listed = 0;
  for (const entry of rows) {
    if (!isRecord(entry)) continue;
    const row = positiveInt(entry.row);
    if (row === null) continue;
    listed += 1;
    const fieldErrors = isRecord(entry.fieldErrors) ? entry.fieldErrors : {};
    const before = issues.length;
    for (const [field, messages] of Object.entries(fieldErrors)) {
      if (!Array.isArray(messages)) continue;
      for (const message of messages) {
        if (typeof message === "string") {
          issues.push({ row, field, message: localizeFieldMessage(message, t) });
        }
      }
    }
    if (issues.length === before && typeof entry.message === "string") {
      issues.push({ row, field: null, message: entry.message });
    }
  }
  if (listed === 0) return null;
  const total = positiveInt(details?.["invalidRows"]) ?? listed;
  return { issues, total: Math.max(total, listed) };
}

/** Messages of a refused request that name no row: form errors and field errors of the input. */
export function inputIssuesOf(details: Record<string, unknown> | null, t: TFunction): string[] {
  if (!details) return [];
  const out: string[] = [];
  const { formErrors, fieldErrors } = details;
  if (Array.isArray(formErrors)) {
    for (const message of formErrors) if (typeof message === "string") out.push(message);
  }
  if (isRecord(fieldErrors)) {
    for (const messages of Object.values(fieldErrors)) {
      if (!Array.isArray(messages)) continue;
      for (const message of messages) {
        if (typeof message === "string") out.push(localizeFieldMessage(message, t));
      }
    }
  }
  return [...new Set(out)];
}
