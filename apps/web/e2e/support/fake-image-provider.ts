import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

/** A diagonal gradient from `hue` to its complement, as an RGB PNG. */
export function gradientPng(width: number, height: number, hue: number): Buffer {
  const colour = (h: number): [number, number, number] => {
    const f = (n: number) => {
      const k = (n + h / 30) % 12;
      return Math.round(255 * (0.5 - 0.4 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
    };
    return [f(0), f(8), f(4)];
  };
  const [a, b] = [colour(hue), colour((hue + 150) % 360)];
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++) {
        rows[row + 1 + x * 3 + c] = Math.round((a[c] ?? 0) * (1 - t) + (b[c] ?? 0) * t);
      }
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

export interface FakeImageProvider {
  /** The base URL to give the host as OPENAI_BASE_URL. */
  baseUrl: string;
  /** Prompts received, in order. */
  prompts: string[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a paid text-to-image API (the one thing these tests cannot run for real): it
 * speaks the OpenAI images API (`POST /v1/images/generations` → `data[].b64_json`), answers after
 * `delayMs` so the UI's running state can be seen, and draws gradients at a quarter of the size
 * asked for, as a provider that picks its own size would.
 */
export async function startFakeImageProvider({ delayMs = 1500 } = {}): Promise<FakeImageProvider> {
  const prompts: string[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/images/generations") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as {
        prompt: string;
        n: number;
        size: string;
      };
      prompts.push(body.prompt);
      const [width = 1024, height = 1024] = body.size.split("x").map(Number);
      setTimeout(() => {
        const data = Array.from({ length: body.n }, () => ({
          b64_json: gradientPng(
            Math.max(64, Math.round(width / 4)),
            Math.max(64, Math.round(height / 4)),
            (served++ * 67) % 360,
          ).toString("base64"),
        }));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ created: Math.floor(Date.now() / 1000), data }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    prompts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
