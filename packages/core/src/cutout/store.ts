import { schema, type CutoutOutputRecord, type DbOrTx } from "@genflow/db";
import { and, eq, sql } from "drizzle-orm";

import type { CutoutTier } from "./models";

/** The storage layout of cut-outs and their rows, shared by the cut-out use cases. */

type CutoutRow = typeof schema.cutouts.$inferSelect;

export const cutoutKeys = {
  /** The photo, as it was given. */
  source: (id: string) => `cutouts/${id}/source`,
  /** The mask at the photo's size, an 8-bit grey PNG. */
  mask: (id: string) => `cutouts/${id}/mask.png`,
  /** An image made from the photo and the mask. */
  output: (id: string, name: string) => `cutouts/${id}/${name}`,
  /** A small image for showing the cut-out (see `CUTOUT_VIEWS`), made when first asked for. */
  view: (id: string, name: CutoutView) => `cutouts/${id}/${name}`,
};

/** The photo as WebP any browser shows, and a thumbnail of the subject. */
export const CUTOUT_VIEWS = ["preview.webp", "thumb.webp"] as const;
export type CutoutView = (typeof CUTOUT_VIEWS)[number];
export const isCutoutView = (name: string): name is CutoutView =>
  (CUTOUT_VIEWS as readonly string[]).includes(name);

/** The name of the mask among a cut-out's files. */
export const MASK_FILE = "mask.png";
/** The name of the photo among a cut-out's files. */
export const SOURCE_FILE = "source";

export interface Cutout {
  id: string;
  fileName: string | null;
  uploadId: string | null;
  sourceMime: string;
  sourceBytes: number;
  width: number;
  height: number;
  model: string;
  tier: CutoutTier;
  maskOptions: Record<string, unknown>;
  inferMs: number;
  outputs: CutoutOutputRecord[];
  createdAt: Date;
}

export function toCutout(row: CutoutRow): Cutout {
  return {
    id: row.id,
    fileName: row.fileName,
    uploadId: row.uploadId,
    sourceMime: row.sourceMime,
    sourceBytes: row.sourceBytes,
    width: row.width,
    height: row.height,
    model: row.model,
    tier: row.tier,
    maskOptions: row.maskOptions,
    inferMs: row.inferMs,
    outputs: row.outputs,
    createdAt: row.createdAt,
  };
}

/** The user's cut-out `id`, or undefined (another user's is not theirs: undefined too). */
export async function findOwnCutout(
  db: DbOrTx,
  params: { userId: string; id: string },
): Promise<Cutout | undefined> {
  const t = schema.cutouts;
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, params.id), eq(t.userId, params.userId)))
    .limit(1);
  return row ? toCutout(row) : undefined;
}

/**
 * Adds an output to a cut-out's list unless one of that name is there already; answers the
 * cut-out as it now is, or undefined when it is gone.
 */
export async function addCutoutOutput(
  db: DbOrTx,
  params: { userId: string; id: string; output: CutoutOutputRecord },
): Promise<Cutout | undefined> {
  const t = schema.cutouts;
  const [row] = await db
    .update(t)
    .set({
      outputs: sql`case when ${t.outputs} @> ${JSON.stringify([{ name: params.output.name }])}::jsonb
        then ${t.outputs} else ${t.outputs} || ${JSON.stringify([params.output])}::jsonb end`,
    })
    .where(and(eq(t.id, params.id), eq(t.userId, params.userId)))
    .returning();
  return row ? toCutout(row) : undefined;
}
