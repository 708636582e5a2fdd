import { DomainError, isDomainError } from "../../../errors";
import {
  CARD_FILE_EXT,
  createCard,
  createdCardImage,
  getTemplate,
  type CardPlan,
  type CardTemplate,
  type CreatedCard,
  type GenerateDeps,
} from "../../../generate";
import type { BlobStorage } from "../../../ports";
import { defineTaskKind, type TaskKind, type TaskRunContext } from "../../kinds";
import { cardFileNames } from "./file-names";
import { planRows } from "./plan-rows";
import {
  CARDS_BATCH_MAX_ZIP_BYTES,
  CardsBatchInput,
  type CardsBatchJob,
  type CardsBatchManifest,
  type CardsBatchManifestEntry,
  type CardsBatchOutput,
  type CardsBatchRowWarnings,
} from "./schemas";
import { ZipBuilder } from "./zip";

export const CARDS_BATCH_KIND = "cards.batch";
export const CARDS_BATCH_ZIP_NAME = "cards.zip";
const MANIFEST_NAME = "manifest.json";
const ZIP_MIME = "application/zip";

/** Where a batch task's zip is stored. */
export const cardsBatchZipKey = (taskId: string) => `tasks/${taskId}/${CARDS_BATCH_ZIP_NAME}`;

export interface CardsBatchDeps {
  /** The card pipeline the cards are made with (and recorded in the owner's history). */
  generate: GenerateDeps;
  /** Where the task's files go (the tasks' storage, `tasks/<id>/…`). */
  storage: BlobStorage;
}

/**
 * `cards.batch`: many share cards from one template, one per row of JSON or CSV, made for the
 * task's owner through the card pipeline (so each is cached and in their history) and delivered
 * as one zip with a `manifest.json`. Every row is checked before any card is drawn; a row that
 * does not fit fails the task with VALIDATION naming it.
 */
export function cardsBatchKind(deps: CardsBatchDeps): TaskKind<CardsBatchJob, CardsBatchOutput> {
  return defineTaskKind({
    name: CARDS_BATCH_KIND,
    input: CardsBatchInput,
    concurrency: 1,
    maxAttempts: 2,
    timeoutMs: 10 * 60_000,
    backoff: { baseMs: 2000, maxMs: 30_000 },
    cpuHeavy: true,
    run: (ctx) => runBatch(deps, ctx),
    async cleanup(task) {
      await deps.storage.delete(cardsBatchZipKey(task.id));
    },
  });
}

async function runBatch(
  deps: CardsBatchDeps,
  ctx: TaskRunContext<CardsBatchJob>,
): Promise<CardsBatchOutput> {
  const { input: job, signal, userId, task } = ctx;
  const template = getTemplate(job.templateId);
  if (!template) {
    throw new DomainError("VALIDATION", `There is no template "${job.templateId}"`, {
      details: { fieldErrors: { templateId: ["No such template"] } },
    });
  }
  const plans = await planRows(deps.generate, userId, job, template);
  await logUnusedColumns(ctx, template);
  signal.throwIfAborted();

  const total = plans.length;
  const names = cardFileNames(job.fileName, job.rows, CARD_FILE_EXT[job.format], [MANIFEST_NAME]);
  const zip = new ZipBuilder({
    maxBytes: CARDS_BATCH_MAX_ZIP_BYTES,
    mtime: deps.generate.clock.now(),
    tooLarge: () =>
      new DomainError(
        "PAYLOAD_TOO_LARGE",
        `The cards would make a zip larger than ${CARDS_BATCH_MAX_ZIP_BYTES / 1024 / 1024} MiB; split the batch or choose a smaller size, scale or format`,
        { details: { maxBytes: CARDS_BATCH_MAX_ZIP_BYTES } },
      ),
  });
  const entries: CardsBatchManifestEntry[] = [];
  const warnings: CardsBatchRowWarnings[] = [];
  await ctx.progress(0, `0 of ${total} cards`);

  for (const [i, plan] of plans.entries()) {
    signal.throwIfAborted();
    const row = i + 1;
    const file = names[i] ?? `card-${row}.${plan.ext}`;
    const { card, bytes } = await renderRow(deps.generate, ctx, plan, row);
    zip.add(file, bytes, job.format === "svg");
    entries.push({
      row,
      file,
      cardId: card.id,
      key: card.key,
      width: card.width,
      height: card.height,
      bytes: card.bytes,
      warnings: card.warnings,
    });
    if (card.warnings.length > 0) warnings.push({ row, warnings: card.warnings });
    await ctx.progress(Math.floor((row / total) * 100), `${row} of ${total} cards`);
  }
  signal.throwIfAborted();

  const manifest: CardsBatchManifest = {
    taskId: task.id,
    templateId: template.id,
    format: job.format,
    count: entries.length,
    cards: entries,
  };
  zip.add(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 2)), true);
  const archive = zip.finish();
  const key = cardsBatchZipKey(task.id);
  await deps.storage.put(key, archive, { contentType: ZIP_MIME });
  return {
    files: [{ name: CARDS_BATCH_ZIP_NAME, key, bytes: archive.byteLength, contentType: ZIP_MIME }],
    count: entries.length,
    warnings,
  };
}

/**
 * One row's card and its bytes. A stop (cancel or timeout) surfaces as the signal's reason; any
 * other domain error keeps its code and names the row.
 */
async function renderRow(
  deps: GenerateDeps,
  ctx: TaskRunContext<CardsBatchJob>,
  plan: CardPlan,
  row: number,
): Promise<{ card: CreatedCard; bytes: Uint8Array }> {
  try {
    const card = await createCard(deps, { userId: ctx.userId, plan, signal: ctx.signal });
    const image = await createdCardImage(deps, card);
    return { card, bytes: image.bytes };
  } catch (error) {
    ctx.signal.throwIfAborted();
    if (!isDomainError(error)) throw error;
    throw new DomainError(error.code, `Row ${row}: ${error.message}`, {
      details: { ...error.details, row },
      cause: error,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
}

/** Notes in the task's log the columns no card used (a misspelt field name shows up here). */
async function logUnusedColumns(ctx: TaskRunContext<CardsBatchJob>, template: CardTemplate) {
  const fields = new Set(Object.keys(template.fields.shape));
  const pattern = ctx.input.fileName ?? "";
  const unused = new Set<string>();
  for (const row of ctx.input.rows) {
    for (const column of Object.keys(row)) {
      if (!fields.has(column) && !pattern.includes(`{${column}}`)) unused.add(column);
    }
  }
  if (unused.size === 0) return;
  const columns = [...unused].slice(0, 20);
  await ctx.log({
    message: `The "${template.id}" template has no field for these columns, so they were not used: ${columns.join(", ")}`,
    columns,
  });
}
