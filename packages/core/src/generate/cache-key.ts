import { createHash } from "node:crypto";

import type { DbOrTx } from "@genflow/db";
import { sql } from "drizzle-orm";

import type { Cache } from "../ports";
import type { CardTheme, ImageFormat } from "./card";
import type { BlobStorage } from "./ports";
import type { CardImageExt } from "./schemas";

/**
 * Content addressing of rendered cards. Everything that changes a card's pixels goes into its key,
 * so identical requests (from anyone) share one rendering, and changing a template's design, the
 * fonts or any input renders anew.
 */

export interface CardKeyParts {
  templateId: string;
  templateVersion: number;
  /** Field values after the template's schema, image values replaced by their digests. */
  fields: Record<string, unknown>;
  width: number;
  height: number;
  theme: CardTheme;
  format: ImageFormat;
  scale: number;
  quality: number;
  fontSetId: string;
  /** SHA-256 hex of each image field's bytes, by field name. */
  images: Record<string, string>;
}

/**
 * JSON with object keys sorted at every level and `undefined` members left out, so equal values
 * always give equal text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash("sha256").update(data).digest("hex");

/** The card's content address: SHA-256 hex of the canonical JSON of everything that shapes it. */
export function cardKey(parts: CardKeyParts): string {
  return sha256Hex(canonicalJson({ v: 1, ...parts }));
}

/** Where a card's bytes (or, with `thumb.webp`, its thumbnail) live in blob storage. */
export function cardBlobKey(key: string, ext: CardImageExt): string {
  return `cards/${key.slice(0, 2)}/${key}.${ext}`;
}

type CardExt = Exclude<CardImageExt, "thumb.webp">;

/** Whether a key's bytes are stored (its thumbnail is made on demand). */
export function hasCardBlobs(blobs: BlobStorage, key: string, ext: CardExt): Promise<boolean> {
  return blobs.has(cardBlobKey(key, ext));
}

/**
 * Removes a key's index entry, thumbnail and bytes, in that order: should a step fail, the card
 * keeps its bytes and at worst loses its thumbnail, which is made again when next asked for.
 */
export async function removeCardBlobs(
  deps: { blobs: BlobStorage; cache: Cache },
  key: string,
  ext: CardExt,
): Promise<void> {
  await deps.cache.delete(cardIndexKey(key));
  await deps.blobs.delete(cardBlobKey(key, "thumb.webp"));
  await deps.blobs.delete(cardBlobKey(key, ext));
}

/** Strong ETag of a card's image or thumbnail: the bytes never change under one key. */
export function cardEtag(key: string, ext: CardImageExt): string {
  return ext === "thumb.webp" ? `"${key}.thumb"` : `"${key}"`;
}

/** Where the cache index entry of a key lives. */
export const cardIndexKey = (key: string) => `generate:card:${key}`;

/** Namespace of the advisory locks that order writes of one key's rows and blobs. */
const KEY_LOCK_NAMESPACE = 0x63_61_72; // "car"

/**
 * Holds, until the transaction ends, the lock that serialises adding and removing cards of one
 * key, so the last card of a key is never deleted with its bytes while another is being added.
 */
export async function lockCardKey(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${KEY_LOCK_NAMESPACE}::int4, hashtext(${key}))`,
  );
}
