import { Zip, ZipDeflate, ZipPassThrough } from "fflate";

import type { DomainError } from "../../../errors";

/**
 * Builds a zip in memory, one file at a time, and refuses to grow past `maxBytes`. Files already
 * compressed (PNG, JPEG, WebP, AVIF) are stored as they are; text (SVG, JSON) is deflated.
 */
export class ZipBuilder {
  private readonly zip: Zip;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private failure: Error | undefined;
  private done = false;

  constructor(
    private readonly options: {
      maxBytes: number;
      /** The files' modification time. */
      mtime: Date;
      /** The error thrown when the zip would grow past `maxBytes`. */
      tooLarge: () => DomainError;
    },
  ) {
    this.zip = new Zip((error, chunk, final) => {
      if (error) this.failure ??= error;
      this.chunks.push(chunk);
      this.size += chunk.byteLength;
      if (final) this.done = true;
    });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.size;
  }

  add(name: string, bytes: Uint8Array, compress: boolean): void {
    if (this.size + bytes.byteLength > this.options.maxBytes) throw this.options.tooLarge();
    const file = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    file.mtime = this.options.mtime;
    this.zip.add(file);
    file.push(bytes, true);
    this.check();
  }

  /** Writes the central directory and returns the whole archive. */
  finish(): Uint8Array {
    this.zip.end();
    this.check();
    if (!this.done) throw new Error("the zip did not finish");
    return Buffer.concat(this.chunks);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.size > this.options.maxBytes) throw this.options.tooLarge();
  }
}
