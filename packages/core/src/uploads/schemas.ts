import { z } from "zod";

/** Inputs, results and limits of the upload use cases. */

/** The image types that can be uploaded, as read from the bytes (never from a declared type). */
export const UPLOAD_MIMES = ["image/png", "image/jpeg", "image/webp"] as const;
export type UploadMime = (typeof UPLOAD_MIMES)[number];

/** What an upload may be; hosts configure them (see `DEFAULT_UPLOAD_LIMITS`). */
export interface UploadLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most pixels (width × height), read from the header without decoding the image. */
  maxPixels: number;
  /** Most uploads one user may keep. */
  maxPerUser: number;
}

/**
 * 10 MiB, 25 megapixels (as many as a card image may have, so every upload can be drawn in a
 * card) and 500 uploads per user.
 */
export const DEFAULT_UPLOAD_LIMITS: Readonly<UploadLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 25_000_000,
  maxPerUser: 500,
};

const REF_PREFIX = "upload:";
const REF = /^upload:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** How an image field names an upload: `upload:<id>`. */
export const uploadRef = (id: string): string => `${REF_PREFIX}${id}`;

/** Whether a value is meant as an upload reference (`upload:…`), well-formed or not. */
export const looksLikeUploadRef = (value: string): boolean =>
  value.slice(0, REF_PREFIX.length).toLowerCase() === REF_PREFIX;

/** The upload id of an `upload:<uuid>` reference (lower-cased), or undefined for anything else. */
export function uploadIdOf(value: string): string | undefined {
  return REF.exec(value)?.[1]?.toLowerCase();
}

export const ListUploadsInput = z.object({
  /** From the previous page's `nextCursor`; omit for the newest uploads. */
  cursor: z.string().min(1).max(200).optional(),
  limit: z.int().min(1).max(100).default(20),
});
export type ListUploadsInput = z.input<typeof ListUploadsInput>;

export const DeleteUploadInput = z.object({ id: z.uuid() });
export type DeleteUploadInput = z.infer<typeof DeleteUploadInput>;

/** An uploaded image as its owner sees it. */
export interface Upload {
  id: string;
  /** What to put in a card's image field to use this image: `upload:<id>`. */
  ref: string;
  /** The file's name as uploaded (cleaned), or null. */
  fileName: string | null;
  mime: UploadMime;
  /** File size. */
  bytes: number;
  /** Pixels, as displayed (after the EXIF orientation). */
  width: number;
  height: number;
  /** SHA-256 hex of the bytes. */
  sha256: string;
  createdAt: Date;
}

export interface CreatedUpload {
  upload: Upload;
  /** False when the user had already uploaded the same bytes: `upload` is that earlier one. */
  created: boolean;
}

export interface UploadsPage {
  items: Upload[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** An upload with its bytes, for serving. */
export interface UploadFile {
  upload: Upload;
  bytes: Uint8Array;
}
