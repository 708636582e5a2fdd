import type { DbOrTx } from "@genflow/db";

import { findOwnUploads, readUploadBytes } from "../uploads/queries";
import { uploadIdOf, type Upload } from "../uploads/schemas";
import { getTemplate } from "./engine";
import { invalidImage } from "./images";
import type { BlobStorage, SourceImage } from "./ports";
import type { CreateCardInput } from "./schemas";

/**
 * Uploaded images in cards. An image field may name one of the caller's uploads as
 * `upload:<id>`; the card is addressed by the upload's SHA-256, exactly as by the digest of a data
 * URL's bytes, so the same picture gives the same card either way. The uploads a request names
 * are looked up first (`resolveCardUploads`, one query), `planCard` then checks each field against
 * them, and the bytes are read only when the card is actually drawn (`loadCardImages`).
 */

/** The caller's uploads that a card request names, by id. */
export type CardUploads = ReadonlyMap<string, Upload>;

/** Where an image field's picture comes from. */
export type CardImageSource =
  { kind: "inline"; image: SourceImage } | { kind: "upload"; upload: Upload };

const NO_UPLOADS: CardUploads = new Map();

/**
 * Looks up the uploads named in the image fields of a (not yet validated) card request, among the
 * user's own. Others' and missing ids are left out; `planCard` refuses them on their field.
 */
export async function resolveCardUploads(
  deps: { db: DbOrTx },
  userId: string,
  input: unknown,
): Promise<CardUploads> {
  if (typeof input !== "object" || input === null) return NO_UPLOADS;
  const { templateId, fields } = input as Partial<Record<keyof CreateCardInput, unknown>>;
  const template = typeof templateId === "string" ? getTemplate(templateId) : undefined;
  if (!template || typeof fields !== "object" || fields === null) return NO_UPLOADS;
  const ids = new Set<string>();
  for (const field of template.imageFields) {
    const value = (fields as Record<string, unknown>)[field];
    const id = typeof value === "string" ? uploadIdOf(value) : undefined;
    if (id) ids.add(id);
  }
  if (ids.size === 0) return NO_UPLOADS;
  return findOwnUploads(deps.db, { userId, ids: [...ids] });
}

/** VALIDATION on `field`: the same for a malformed reference, another user's upload or none. */
function unknownUpload(field: string) {
  return invalidImage(
    field,
    `"${field}" does not name one of your uploaded images; upload the image again`,
  );
}

/** The upload an `upload:<id>` value names, among `uploads`; VALIDATION on `field` otherwise. */
export function cardUpload(field: string, value: string, uploads: CardUploads): Upload {
  const id = uploadIdOf(value);
  const upload = id === undefined ? undefined : uploads.get(id);
  if (!upload) throw unknownUpload(field);
  return upload;
}

/**
 * The pictures of a planned card as the renderer takes them: inline bytes as they came, uploads
 * read from blob storage. An upload deleted since the card was planned is refused on its field.
 */
export async function loadCardImages(
  deps: { blobs: BlobStorage },
  plan: { imageSources: Readonly<Record<string, CardImageSource>> },
): Promise<Record<string, SourceImage>> {
  const images: Record<string, SourceImage> = {};
  for (const [field, source] of Object.entries(plan.imageSources)) {
    if (source.kind === "inline") {
      images[field] = source.image;
      continue;
    }
    const bytes = await readUploadBytes(deps.blobs, source.upload.id);
    if (!bytes) throw unknownUpload(field);
    images[field] = { mime: source.upload.mime, bytes };
  }
  return images;
}
