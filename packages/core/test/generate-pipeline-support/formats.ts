/** What each output format's file starts with. */
export function formatOf(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes);
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP")
    return "webp";
  if (b.toString("latin1", 4, 8) === "ftyp" && b.toString("latin1", 8, 12) === "avif")
    return "avif";
  if (/^\s*<svg[\s>]/.test(b.toString("utf8", 0, 64))) return "svg";
  return undefined;
}
