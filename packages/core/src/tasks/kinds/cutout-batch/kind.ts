import { createHash } from "node:crypto";
import path from "node:path";

import { schema, type DbOrTx } from "@genflow/db";
import { and, eq, inArray, sql } from "drizzle-orm";

import { processCutout, type ProcessedCutout } from "../../../cutout/library";
import type { CutoutServices } from "../../../cutout/ports";
import { cutoutKeys, findOwnCutout } from "../../../cutout/store";
import { DomainError, isDomainError } from "../../../errors";
import type { BlobStorage } from "../../../ports";
import { defineTaskKind, type TaskKind, type TaskRunContext } from "../../kinds";
import { safeStem } from "../cards-batch/file-names";
import { ZipBuilder } from "../cards-batch/zip";
import {
  CutoutBatchInput,
  type CutoutBatchItemResult,
  type CutoutBatchJob,
  type CutoutBatchOutput,
} from "./schemas";

export const CUTOUT_BATCH_KIND = "cutout.batch";
export const CUTOUT_BATCH_ZIP_NAME = "cutouts.zip";
const ZIP_MIME = "application/zip";
/** Largest zip a batch makes. */
const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

export const cutoutBatchZipKey = (taskId: string) => `tasks/${taskId}/${CUTOUT_BATCH_ZIP_NAME}`;

export interface CutoutBatchDeps {
  cutout: CutoutServices;
  /** Where the task's zip goes (the tasks' storage). */
  storage: BlobStorage;
}

/**
 * Which of these cut-out ids are photos staged for a batch whose task still exists (it may yet run,
 * or run again), so their files must stay although no cut-out has the id yet.
 */
export async function stagedPhotosInUse(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const t = schema.tasks;
  const items = sql`case when jsonb_typeof(${t.input}->'items') = 'array' then ${t.input}->'items' else '[]'::jsonb end`;
  const wanted = sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::text[]`;
  const tasks = await db
    .select({ input: t.input })
    .from(t)
    .where(
      and(
        eq(t.kind, CUTOUT_BATCH_KIND),
        sql`exists (select 1 from jsonb_array_elements(${items}) item where item->>'stagedId' = any(${wanted}))`,
      ),
    );
  const asked = new Set(ids);
  const inUse = new Set<string>();
  // Read as stored, not through today's schema: an older input's photos count as much.
  for (const { input } of tasks) {
    const listed = (input as { items?: unknown } | null)?.items;
    for (const item of Array.isArray(listed) ? listed : []) {
      const id = (item as { stagedId?: unknown } | null)?.stagedId;
      if (typeof id === "string" && asked.has(id)) inUse.add(id);
    }
  }
  return inUse;
}

/** Errors that are the photo's fault: recorded against it, and the batch goes on. */
const PHOTO_ERRORS = new Set(["VALIDATION", "NOT_FOUND", "PAYLOAD_TOO_LARGE"]);

/**
 * The cut-out id a photo of a batch gets: a staged photo keeps its own; an upload gets one derived
 * from the task and its place, so a retried attempt finds the cut-outs the last one made.
 */
function itemCutoutId(taskId: string, index: number, item: CutoutBatchJob["items"][number]) {
  if ("stagedId" in item) return item.stagedId;
  const hex = createHash("sha256").update(`${taskId}:${index}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `cutout.batch`: removes the background of several photos (the owner's uploads, or photos stored
 * for the task) one after another, each kept as a cut-out of the owner's, and delivers every
 * output in one zip. A photo that cannot be used is reported and skipped; the model being
 * unavailable or busy fails the attempt, and a retry goes on from the photos already done.
 */
export function cutoutBatchKind(
  deps: CutoutBatchDeps,
): TaskKind<CutoutBatchJob, CutoutBatchOutput> {
  return defineTaskKind({
    name: CUTOUT_BATCH_KIND,
    input: CutoutBatchInput,
    concurrency: 1,
    maxAttempts: 3,
    timeoutMs: 30 * 60_000,
    backoff: { baseMs: 2000, maxMs: 60_000 },
    cpuHeavy: true,
    run: (ctx) => runBatch(deps, ctx),
    async cleanup(task) {
      await deps.storage.delete(cutoutBatchZipKey(task.id));
      // Photos stored for the task that never became cut-outs.
      const parsed = CutoutBatchInput.safeParse(task.input);
      if (!parsed.success) return;
      const staged = parsed.data.items.flatMap((item) =>
        "stagedId" in item ? [item.stagedId] : [],
      );
      if (staged.length === 0) return;
      const t = schema.cutouts;
      const made = new Set(
        (await deps.cutout.db.select({ id: t.id }).from(t).where(inArray(t.id, staged))).map(
          (row) => row.id,
        ),
      );
      await Promise.all(
        staged
          .filter((id) => !made.has(id))
          .map((id) => deps.storage.delete(cutoutKeys.source(id))),
      );
    },
  });
}

async function runBatch(
  deps: CutoutBatchDeps,
  ctx: TaskRunContext<CutoutBatchJob>,
): Promise<CutoutBatchOutput> {
  const { input: job, signal, userId, task } = ctx;
  const total = job.items.length;
  const results: CutoutBatchItemResult[] = [];
  const zip = new ZipBuilder({
    maxBytes: MAX_ZIP_BYTES,
    mtime: deps.cutout.clock.now(),
    tooLarge: () =>
      new DomainError(
        "PAYLOAD_TOO_LARGE",
        `The cut-outs would make a zip larger than ${MAX_ZIP_BYTES / 1024 ** 3} GiB; split the batch`,
        { details: { maxBytes: MAX_ZIP_BYTES } },
      ),
  });
  const used = new Set<string>();
  await ctx.progress(0, `0 of ${total} photos`);

  for (const [index, item] of job.items.entries()) {
    signal.throwIfAborted();
    const id = itemCutoutId(task.id, index, item);
    const fileName = "stagedId" in item ? item.fileName : null;
    let done: Pick<ProcessedCutout, "cutout" | "output"> | undefined;
    let failure: CutoutBatchItemResult["error"] = null;
    const existing = await findOwnCutout(deps.cutout.db, { userId, id });
    const existingOutput = existing?.outputs[0];
    if (existing && existingOutput) {
      done = { cutout: existing, output: existingOutput };
    } else {
      try {
        const source =
          "uploadId" in item
            ? { uploadId: item.uploadId }
            : { bytes: await stagedBytes(deps, item.stagedId), fileName: fileName ?? undefined };
        done = await processCutout(deps.cutout, {
          userId,
          source,
          options: job.options,
          id,
          sourceStored: "stagedId" in item,
        });
      } catch (error) {
        signal.throwIfAborted();
        if (!isDomainError(error) || !PHOTO_ERRORS.has(error.code)) throw error;
        failure = { code: error.code, message: error.message };
      }
    }
    if (done) {
      const bytes = await deps.cutout.blobs.get(
        cutoutKeys.output(done.cutout.id, done.output.name),
      );
      if (bytes)
        zip.add(zipName(done.cutout.fileName, index, done.output.name, used), bytes, false);
    }
    results.push({
      index,
      fileName: done?.cutout.fileName ?? fileName,
      cutoutId: done?.cutout.id ?? null,
      output: done?.output.name ?? null,
      error: failure,
    });
    await ctx.log(
      failure
        ? { message: `Photo ${index + 1}: ${failure.message}`, index, error: failure }
        : {
            message: `Photo ${index + 1} done`,
            index,
            cutoutId: done?.cutout.id,
            output: done?.output.name,
          },
    );
    await ctx.progress(Math.floor(((index + 1) / total) * 100), `${index + 1} of ${total} photos`);
  }

  const succeeded = results.filter((result) => result.cutoutId !== null).length;
  const files: CutoutBatchOutput["files"] = [];
  if (succeeded > 0) {
    const archive = zip.finish();
    const key = cutoutBatchZipKey(task.id);
    await deps.storage.put(key, archive, { contentType: ZIP_MIME });
    files.push({
      name: CUTOUT_BATCH_ZIP_NAME,
      key,
      bytes: archive.byteLength,
      contentType: ZIP_MIME,
    });
  }
  return { items: results, succeeded, failed: total - succeeded, files };
}

async function stagedBytes(deps: CutoutBatchDeps, id: string): Promise<Uint8Array> {
  const bytes = await deps.cutout.blobs.get(cutoutKeys.source(id));
  if (!bytes) throw new Error(`the photo staged as ${id} is missing`);
  return bytes;
}

/** The photo's name with the output's extension, unique in the zip. */
function zipName(fileName: string | null, index: number, output: string, used: Set<string>) {
  const ext = path.extname(output);
  const stem = safeStem(fileName ? path.parse(fileName).name : "") || `photo-${index + 1}`;
  let name = `${stem}${ext}`;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${stem}-${n}${ext}`;
  used.add(name.toLowerCase());
  return name;
}
