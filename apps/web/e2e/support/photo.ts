import { crc32, deflateSync } from "node:zlib";

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of `width × height` pixels, each given by `pixel(x, y)`. */
function encodePng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      rows[row + 1 + x * 3] = r;
      rows[row + 2 + x * 3] = g;
      rows[row + 3 + x * 3] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));

/** A repeatable pseudo-random value in 0..1 for a pixel (the texture's grain). */
function grain(x: number, y: number, seed: number): number {
  const n = Math.sin(x * 12.9898 + y * 78.233 + seed * 37.719) * 43758.5453;
  return n - Math.floor(n);
}

/**
 * The pixels of a small test photo: a shaded, coloured object (a round body on a short stem, lit from the left)
 * standing on a textured backdrop (a warm wall with grain and faint woven stripes, and a floor).
 * `hue` colours the object, so photos of a batch tell apart.
 */
function objectPixels(
  width: number,
  height: number,
  hue: number,
): (x: number, y: number) => [number, number, number] {
  const cx = width / 2;
  const cy = height * 0.48;
  const radius = Math.min(width, height) * 0.28;
  const floor = height * 0.8;
  const rad = (hue * Math.PI) / 180;
  const base: [number, number, number] = [
    150 + 100 * Math.cos(rad),
    150 + 100 * Math.cos(rad - 2.094),
    150 + 100 * Math.cos(rad + 2.094),
  ];
  return (x, y) => {
    const noise = (grain(x, y, hue) - 0.5) * 26;
    const weave = Math.sin(x * 0.35) * Math.sin(y * 0.35) * 9;
    let pixel: [number, number, number] =
      y < floor
        ? [206 + weave + noise, 196 + weave + noise, 178 + weave + noise]
        : [120 + noise, 104 + noise, 90 + noise];
    const dx = x - cx;
    const dy = y - cy;
    const inBody = dx * dx + dy * dy <= radius * radius;
    const inStem = Math.abs(dx) <= radius * 0.22 && y >= cy && y <= floor + radius * 0.05;
    if (inBody || inStem) {
      // Lit from the upper left: brighter there, darker toward the lower right.
      const light = inBody ? 1.15 - ((dx + dy) / radius) * 0.25 : 0.8;
      pixel = [base[0] * light, base[1] * light, base[2] * light];
    }
    return [clamp(pixel[0]), clamp(pixel[1]), clamp(pixel[2])];
  };
}

/** The test photo as a PNG. */
export function objectPhoto(width: number, height: number, hue = 8): Buffer {
  return encodePng(width, height, objectPixels(width, height, hue));
}

/**
 * The test photo as an uncompressed baseline TIFF: a type browsers cannot show and uploads do not
 * take, so the page sends it as form data.
 */
export function objectTiff(width: number, height: number, hue = 8): Buffer {
  const pixel = objectPixels(width, height, hue);
  const tags: [number, number, number][] = [
    // [tag, type (3 SHORT, 4 LONG), value]; BitsPerSample points at its three values.
    [256, 4, width],
    [257, 4, height],
    [258, 3, 0],
    [259, 3, 1],
    [262, 3, 2],
    [273, 4, 0],
    [277, 3, 3],
    [278, 4, height],
    [279, 4, width * height * 3],
    [284, 3, 1],
  ];
  const ifdAt = 8;
  const bitsAt = ifdAt + 2 + tags.length * 12 + 4;
  const dataAt = bitsAt + 6;
  const file = Buffer.alloc(dataAt + width * height * 3);
  file.write("II", 0, "latin1");
  file.writeUInt16LE(42, 2);
  file.writeUInt32LE(ifdAt, 4);
  file.writeUInt16LE(tags.length, ifdAt);
  tags.forEach(([tag, type, value], index) => {
    const at = ifdAt + 2 + index * 12;
    file.writeUInt16LE(tag, at);
    file.writeUInt16LE(type, at + 2);
    file.writeUInt32LE(tag === 258 ? 3 : 1, at + 4);
    const resolved = tag === 258 ? bitsAt : tag === 273 ? dataAt : value;
    if (type === 3 && tag !== 258) file.writeUInt16LE(resolved, at + 8);
    else file.writeUInt32LE(resolved, at + 8);
  });
  for (let i = 0; i < 3; i++) file.writeUInt16LE(8, bitsAt + i * 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = dataAt + (y * width + x) * 3;
      file[at] = r;
      file[at + 1] = g;
      file[at + 2] = b;
    }
  }
  return file;
}
