// The shape every in-process contender has (see run-contender.ts).
import { pngSize } from "../generate/stats";
import type { BenchPhoto } from "./protocol";

export interface Outcome {
  /** Size of the encoded result, in bytes (0 when nothing is encoded). */
  outputBytes: number;
  /** Time of named stages of this image, in ms, where the contender can tell. */
  stages?: Record<string, number>;
}

export interface PreparedContender {
  /**
   * Untimed: readies one photo and answers the timed step, so that what a contender starts from
   * (the photo's bytes; for the floor, its finished tensor) is made outside the timing.
   */
  load(bytes: Buffer, photo: BenchPhoto): Promise<() => Promise<Outcome>>;
  close(): Promise<void>;
  details: Record<string, unknown>;
}

/** Throws unless `bytes` is a PNG of the photo's size. */
export function checkPng(bytes: Uint8Array, photo: BenchPhoto): void {
  const size = pngSize(bytes);
  if (!size) throw new Error("the result is not a PNG");
  if (size.width !== photo.width || size.height !== photo.height)
    throw new Error(
      `the result is ${size.width}×${size.height}, not ${photo.width}×${photo.height}`,
    );
}
