import { z } from "zod";

import { CUTOUT_BATCH_MAX, CutoutOptions } from "../../../cutout/schemas";

export const CutoutBatchItem = z.union([
  /** One of the owner's uploads. */
  z.strictObject({ uploadId: z.uuid() }),
  /** A photo already stored under the cut-out id it will get (see `stageCutoutSource`). */
  z.strictObject({ stagedId: z.uuid(), fileName: z.string().max(255).nullable().default(null) }),
]);
export type CutoutBatchItem = z.input<typeof CutoutBatchItem>;

export const CutoutBatchInput = z.strictObject({
  items: z.array(CutoutBatchItem).min(1).max(CUTOUT_BATCH_MAX),
  /** The same options for every photo. */
  options: CutoutOptions.prefault({}),
});
export type CutoutBatchInput = z.input<typeof CutoutBatchInput>;
export type CutoutBatchJob = z.output<typeof CutoutBatchInput>;

/** What became of one photo of a batch. */
export interface CutoutBatchItemResult {
  /** Its place in the batch, from 0. */
  index: number;
  fileName: string | null;
  /** The cut-out made, or null when the photo could not be used. */
  cutoutId: string | null;
  /** The output's file name under the cut-out. */
  output: string | null;
  /** Why the photo could not be used. */
  error: { code: string; message: string } | null;
  [key: string]: unknown;
}

export interface CutoutBatchOutput {
  items: CutoutBatchItemResult[];
  succeeded: number;
  failed: number;
  /** `cutouts.zip`: every output, when at least one photo succeeded. */
  files: { name: string; key: string; bytes: number; contentType: string }[];
  [key: string]: unknown;
}
