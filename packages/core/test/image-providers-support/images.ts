import sharp from "sharp";

/** Tiny real images, made on the spot. */
export async function tinyJpeg(color = "#cc3366"): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 3, channels: 3, background: color } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

export async function tinyPng(color = "#3366cc"): Promise<Buffer> {
  return sharp({ create: { width: 3, height: 4, channels: 4, background: color } })
    .png()
    .toBuffer();
}
