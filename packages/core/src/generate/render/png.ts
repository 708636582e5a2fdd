import { crc32, deflateSync } from "node:zlib";

/**
 * A lossless PNG writer for opaque cards: 8-bit RGBA scanlines without filtering, deflated by
 * Node's zlib at level 3, in the calling thread.
 *
 * Through sharp, the same PNG costs a libvips pipeline, whose work is handed between threads
 * (about 2 ms at 1200×630 even for an image of a single colour), on top of the compression.
 * Written here, the 32 combinations of template, sample text and theme at 1200×630 took 3.5 ms
 * each on average where sharp took 5.4 ms (one thread), for files 13–33% larger (20% in all;
 * level 4 would make them smaller than sharp's but take 7 ms). Keeping the alpha channel, 255
 * throughout, costs zlib less than dropping it would cost JavaScript. Straight (not
 * premultiplied) pixels only, which opaque pixels are.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LEVEL = 3;
/** Colour type 6: red, green, blue and alpha, 8 bits each. */
const RGBA = 6;
/**
 * Scanlines up to this size (a 1200×630 card at scale 2 and a bit more) are assembled in one
 * buffer each thread keeps, which stays mapped between renders; larger ones get a buffer of
 * their own.
 */
const KEPT_SCANLINE_BYTES = 16 * 1024 * 1024;

let kept: Buffer | undefined;

function scanlineBuffer(size: number): Buffer {
  if (size > KEPT_SCANLINE_BYTES) return Buffer.allocUnsafe(size);
  if (!kept || kept.length < size) kept = Buffer.allocUnsafe(size);
  return kept.subarray(0, size);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + 12);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, data.length + 8)), data.length + 8);
  return out;
}

/** Encodes straight RGBA pixels (`width` × `height`, row after row) as a PNG file. */
export function encodeRgbaPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 4;
  if (pixels.length !== stride * height) throw new Error("the pixels do not match the size");
  const scanlines = scanlineBuffer((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const at = y * (stride + 1);
    scanlines[at] = 0; // filter type: none
    scanlines.set(pixels.subarray(y * stride, (y + 1) * stride), at + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = RGBA; // compression, filter and interlace methods stay 0
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines, { level: LEVEL })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
