import { crc32 } from "node:zlib";

import sharp from "sharp";

/** Test pictures, made on the spot. */

export async function photoBytes(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: "#3366cc" },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
}

export async function transparentPngBytes(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

export const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;

/**
 * A "pixel bomb": a PNG of a few kilobytes that declares 8000×8000 pixels (64 MP), far past the
 * limit, which would take hundreds of megabytes to decode.
 */
export async function pixelBombPng(): Promise<Buffer> {
  return sharp({ create: { width: 8000, height: 8000, channels: 3, background: "#000000" } })
    .toColourspace("b-w")
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/**
 * A tiny PNG whose header claims `width`×`height` pixels (its IHDR rewritten, checksum and all):
 * only a reader that trusts the header before decoding can tell its size cheaply.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await transparentPngBytes(8, 8));
  // Signature (8), IHDR length (4) and type (4), then width and height; the CRC follows the data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
