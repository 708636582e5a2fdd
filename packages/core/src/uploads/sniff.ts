import type { UploadMime } from "./schemas";

/**
 * The image type of some bytes, by their magic numbers: PNG, JPEG or WebP, or undefined for
 * anything else (whatever type the sender declared).
 */
export function sniffImage(bytes: Uint8Array): UploadMime | undefined {
  const at = (i: number) => bytes[i];
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  const ascii = (from: number, to: number) =>
    Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}
