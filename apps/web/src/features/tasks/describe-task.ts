import type { TFunction } from "i18next";

import { templateName } from "../studio/labels";
import { FORMAT_LABELS } from "../studio/format-labels";
import { batchSummaryOf, imageInputOf, kindLabel } from "./task-details";
import { CARDS_BATCH_KIND, CUTOUT_BATCH_KIND, IMAGE_GENERATE_KIND } from "./types";
import type { TaskItem } from "./types";

const isFormat = (format: string): format is keyof typeof FORMAT_LABELS =>
  Object.hasOwn(FORMAT_LABELS, format);

/** A task's name and a one-line summary of what it was asked to do. */
export function describeTask(
  t: TFunction,
  task: Pick<TaskItem, "kind" | "input" | "output">,
): { title: string; summary: string } {
  const title = kindLabel(t, task.kind);
  if (task.kind === CARDS_BATCH_KIND) {
    const { templateId, format, rows, cards } = batchSummaryOf(task);
    const parts = [
      templateId ? templateName(t, { id: templateId, name: templateId }) : null,
      format && isFormat(format) ? FORMAT_LABELS[format] : format,
      cards !== null
        ? t("tasks.summary.cards", { count: cards })
        : rows !== null
          ? t("tasks.summary.rows", { count: rows })
          : null,
    ];
    return { title, summary: parts.filter(Boolean).join(" · ") };
  }
  if (task.kind === IMAGE_GENERATE_KIND) {
    const image = imageInputOf(task.input);
    if (!image) return { title, summary: "" };
    const parts = [
      t("tasks.summary.prompt", { prompt: image.prompt }),
      t("studio.design.dimensions", { width: image.width, height: image.height }),
      t("tasks.summary.images", { count: image.count }),
    ];
    return { title, summary: parts.join(" · ") };
  }
  if (task.kind === CUTOUT_BATCH_KIND) {
    const items = task.input["items"];
    const failed = task.output?.["failed"];
    const parts = [
      Array.isArray(items) ? t("tasks.summary.photos", { count: items.length }) : null,
      typeof failed === "number" && failed > 0
        ? t("tasks.summary.photosFailed", { count: failed })
        : null,
    ];
    return { title, summary: parts.filter(Boolean).join(" · ") };
  }
  return { title, summary: "" };
}
