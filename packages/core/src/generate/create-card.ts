import { randomUUID } from "node:crypto";

import { schema, type DbOrTx } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import type { z } from "zod";

import { notFound } from "../errors";
import { looksLikeUploadRef } from "../uploads/schemas";
import { resolveSize, type CardWarning, type ImageFormat } from "./card";
import {
  cardBlobKey,
  cardEtag,
  cardIndexKey,
  cardKey,
  hasCardBlobs,
  lockCardKey,
  removeCardBlobs,
  type CardKeyParts,
} from "./cache-key";
import { FONT_SET_ID, getTemplate, type CardTemplate } from "./engine";
import {
  cardUpload,
  loadCardImages,
  resolveCardUploads,
  type CardImageSource,
  type CardUploads,
} from "./card-uploads";
import { imageDigest, readImageField } from "./images";
import type { GenerateDeps, RenderJob } from "./ports";
import {
  CARD_FILE_EXT,
  CARD_MIME,
  CreateCardInput,
  DEFAULT_QUALITY,
  parseInput,
  type CardImageExt,
  type CreatedCard,
} from "./schemas";

type CreateCardInputData = z.output<typeof CreateCardInput>;
type CardFileExt = Exclude<CardImageExt, "thumb.webp">;

/** How long the cache index remembers a rendered key (the bytes stay while a card uses them). */
export const CARD_INDEX_TTL_MS = 7 * 24 * 3600 * 1000;

/** What the cache index keeps per key, so a repeat request is answered without rendering. */
export interface CardIndexEntry {
  width: number;
  height: number;
  bytes: number;
  mime: string;
  format: ImageFormat;
  warnings: CardWarning[];
}

export type CreateCardParams = {
  userId: string;
  /** Abandons the render when the caller goes away. */
  signal?: AbortSignal;
} & (
  | { input: CreateCardInput }
  /** The request already planned for this user by `planUserCard` (hosts answering 304 first). */
  | { plan: CardPlan }
);

type CardRow = typeof schema.cards.$inferSelect;

/** A validated card request reduced to its content address, before anything is drawn. */
export interface CardPlan {
  template: CardTemplate;
  input: CreateCardInputData;
  /**
   * Field values as recorded in the card's history: uploaded images as `upload:<id>` (so the card
   * can be reopened with its pictures), data-URL images as `sha256:<hex>` of their bytes.
   */
  storedFields: Record<string, unknown>;
  /**
   * Field values as they shape the card (its key, the renderer): every image as `sha256:<hex>` of
   * its bytes, however it was given.
   */
  contentFields: Record<string, unknown>;
  /** Each image field's picture; `loadCardImages` turns them into what the renderer takes. */
  imageSources: Record<string, CardImageSource>;
  width: number;
  height: number;
  format: ImageFormat;
  scale: number;
  quality: number;
  key: string;
  ext: CardFileExt;
  etag: string;
}

/**
 * Validates a card request (its fields with the template's own schema) and computes its content
 * address and ETag without rendering: hosts answer `If-None-Match` from this alone. Image fields
 * naming uploads (`upload:<id>`) must be among `uploads`, the caller's own uploads that
 * `resolveCardUploads` found for this request; any other is refused on its field.
 */
export function planCard(rawInput: CreateCardInput, uploads: CardUploads = new Map()): CardPlan {
  const input = parseInput(CreateCardInput, rawInput, "The card request is not valid");
  const template = getTemplate(input.templateId);
  if (!template) throw notFound("Template", { templateId: input.templateId });
  const fields = template.parseFields(input.fields);

  const imageSources: Record<string, CardImageSource> = {};
  const digests: Record<string, string> = {};
  const storedFields: Record<string, unknown> = { ...fields };
  const contentFields: Record<string, unknown> = { ...fields };
  for (const field of template.imageFields) {
    const value = fields[field];
    if (typeof value !== "string") continue;
    if (looksLikeUploadRef(value)) {
      const upload = cardUpload(field, value, uploads);
      imageSources[field] = { kind: "upload", upload };
      digests[field] = upload.sha256;
      storedFields[field] = upload.ref;
    } else {
      const image = readImageField(field, value);
      imageSources[field] = { kind: "inline", image };
      digests[field] = imageDigest(image);
      storedFields[field] = `sha256:${digests[field]}`;
    }
    contentFields[field] = `sha256:${digests[field]}`;
  }

  const { width, height } = resolveSize(input.size);
  const format = input.format;
  // SVG output has no pixels of its own: scale and quality do not change it.
  const scale = format === "svg" ? 1 : input.scale;
  const quality =
    format === "svg" ? DEFAULT_QUALITY.svg : (input.quality ?? DEFAULT_QUALITY[format]);
  const parts: CardKeyParts = {
    templateId: template.id,
    templateVersion: template.version,
    fields: contentFields,
    width,
    height,
    theme: input.theme,
    format,
    scale,
    quality,
    fontSetId: FONT_SET_ID,
    images: digests,
  };
  const key = cardKey(parts);
  const ext = CARD_FILE_EXT[format];
  return {
    template,
    input,
    storedFields,
    contentFields,
    imageSources,
    width,
    height,
    format,
    scale,
    quality,
    key,
    ext,
    etag: cardEtag(key, ext),
  };
}

/** `planCard` for a user's request: with the uploads its image fields name, among the user's own. */
export async function planUserCard(
  deps: Pick<GenerateDeps, "db">,
  userId: string,
  input: unknown,
): Promise<CardPlan> {
  return planCard(input as CreateCardInput, await resolveCardUploads(deps, userId, input));
}

/**
 * What tells two requests with the same content address apart in history: how they name their
 * pictures (an upload, or the digest of a data URL's bytes).
 */
function imageRefs(template: CardTemplate, fields: unknown): string {
  const values = (fields ?? {}) as Record<string, unknown>;
  return JSON.stringify(template.imageFields.map((field) => values[field] ?? null));
}

/**
 * Renders a card from a template for the user and records it in their history.
 *
 * The request is validated (its fields with the template's own schema), reduced to a content
 * address, and answered from already rendered bytes when any earlier request had the same
 * address; otherwise the card is rendered in the worker pool and its bytes stored. (Its history
 * thumbnail is made from those bytes when it is first asked for: no render waits for it.)
 * The history row and the bytes are written under the address's lock, so a card is never recorded
 * without its bytes, and bytes written for a request that then fails are removed again.
 */
export async function createCard(
  deps: GenerateDeps,
  params: CreateCardParams,
): Promise<CreatedCard> {
  const plan =
    "plan" in params ? params.plan : await planUserCard(deps, params.userId, params.input);
  const { template, storedFields, input, width, height, format, scale, quality, key, ext } = plan;
  const refs = imageRefs(template, storedFields);
  const blobKey = cardBlobKey(key, ext);

  /** Set when this request changed the visibility of the user's existing card. */
  let visibilityChanged = false;
  const record = async (tx: DbOrTx, entry: CardIndexEntry) => {
    // The same card again is the same history entry (made visible as asked, with its pictures
    // named as this request names them, so it reopens with them), not a new one.
    const [own] = await tx
      .select()
      .from(schema.cards)
      .where(and(eq(schema.cards.userId, params.userId), eq(schema.cards.key, key)))
      .limit(1);
    if (own) {
      const sameRefs = imageRefs(template, own.fields) === refs;
      if (own.visibility === input.visibility && sameRefs) return own;
      visibilityChanged = own.visibility !== input.visibility;
      const [updated] = await tx
        .update(schema.cards)
        .set({ visibility: input.visibility, ...(sameRefs ? {} : { fields: storedFields }) })
        .where(eq(schema.cards.id, own.id))
        .returning();
      return updated ?? own;
    }
    return insertCard(tx, {
      id: randomUUID(),
      userId: params.userId,
      key,
      templateId: template.id,
      templateVersion: template.version,
      fields: storedFields,
      size: input.size,
      theme: input.theme,
      format,
      scale,
      quality,
      visibility: input.visibility,
      width: entry.width,
      height: entry.height,
      bytes: entry.bytes,
      warnings: entry.warnings,
      createdAt: deps.clock.now(),
    });
  };
  const answer = (row: CardRow, entry: CardIndexEntry, cached: boolean): CreatedCard => ({
    id: row.id,
    key,
    etag: plan.etag,
    width: row.width,
    height: row.height,
    format,
    mime: entry.mime,
    bytes: row.bytes,
    cached,
    warnings: entry.warnings,
    visibility: row.visibility,
    createdAt: row.createdAt,
  });

  // The same request again, answered lately by this process: nothing to read or write.
  const recent = deps.recent?.card(params.userId, key, refs);
  if (recent && recent.visibility === input.visibility) {
    deps.metrics?.cacheLookup("hit");
    return { ...recent, cached: true };
  }

  const indexed = await deps.cache.get<CardIndexEntry>(cardIndexKey(key));
  if (indexed) {
    const row = await deps.db.transaction(async (tx) => {
      await lockCardKey(tx, key);
      // The last card of this key may have been deleted, with its bytes, since it was indexed.
      if (!(await hasCardBlobs(deps.blobs, key, ext))) return undefined;
      return record(tx, indexed);
    });
    if (row) {
      deps.metrics?.cacheLookup("hit");
      return remember(answer(row, indexed, true));
    }
  }
  deps.metrics?.cacheLookup("miss");

  const job: RenderJob = {
    // Image values travel as bytes in `images`; the fields carry only their digests.
    card: {
      templateId: template.id,
      fields: plan.contentFields,
      width,
      height,
      theme: input.theme,
    },
    images: await loadCardImages(deps, plan),
    format,
    scale,
    quality,
  };
  // The same card asked for by several callers at once is drawn once.
  const rendered = await deps.renderer.render(job, {
    key: blobKey,
    ...(params.signal ? { signal: params.signal } : {}),
  });
  const entry: CardIndexEntry = {
    width: rendered.width,
    height: rendered.height,
    bytes: rendered.bytes.byteLength,
    mime: CARD_MIME[format],
    format,
    warnings: rendered.warnings,
  };

  const row = await deps.db.transaction(async (tx) => {
    await lockCardKey(tx, key);
    // Bytes already stored under this key stay as they are (their ETag is already out there).
    if (await hasCardBlobs(deps.blobs, key, ext)) return record(tx, entry);
    const [existing] = await tx
      .select({ id: schema.cards.id })
      .from(schema.cards)
      .where(eq(schema.cards.key, key))
      .limit(1);
    try {
      await deps.blobs.put(blobKey, rendered.bytes, { contentType: entry.mime });
      return await record(tx, entry);
    } catch (error) {
      // Nothing else refers to what was just written: leave no bytes without a card.
      if (!existing) {
        await removeCardBlobs(deps, key, ext).catch((cleanup: unknown) => {
          deps.log.error({ err: cleanup, key }, "could not remove the bytes of a failed card");
        });
      }
      throw error;
    }
  });
  await deps.cache.set(cardIndexKey(key), entry, CARD_INDEX_TTL_MS);
  deps.recent?.rememberBytes(`${key}.${ext}`, rendered.bytes);
  return remember(answer(row, entry, false));

  /** Keeps the answer for the next identical request; a visibility change is news to everyone. */
  async function remember(card: CreatedCard) {
    if (!deps.recent) return card;
    if (visibilityChanged) await deps.recent.forget(key);
    deps.recent.rememberCard(params.userId, card, refs);
    return card;
  }
}

async function insertCard(tx: DbOrTx, values: typeof schema.cards.$inferInsert): Promise<CardRow> {
  const [row] = await tx.insert(schema.cards).values(values).returning();
  if (!row) throw new Error("card insert returned no row");
  return row;
}
