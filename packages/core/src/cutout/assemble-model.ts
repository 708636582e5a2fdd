import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { BUILT_IN_CUTOUT_MODELS, type BuiltInCutoutModelId } from "./models";

const DATA_PACKAGE = "@imgly/background-removal-data";

interface ResourceChunk {
  hash: string;
  offsets: [number, number];
}

/** Where the data package's chunk files are (its `dist/`). */
function dataPackageDist(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${DATA_PACKAGE}/package.json`)), "dist");
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Makes sure the built-in model's ONNX file is at `target`, assembling it when it is missing or
 * wrong: the package ships each model as 4 MiB chunk files named by their sha256, with byte
 * offsets in `resources.json`; they are checked one by one, written in offset order to a
 * temporary file, and the whole is checked against the model's known sha256 before it is moved
 * into place. Nothing is downloaded. A `<file>.checked` stamp (hash, size, modification time)
 * spares re-reading a file already checked. Returns whether it had to assemble the file.
 */
export async function ensureBuiltInModel(
  id: BuiltInCutoutModelId,
  target: string,
): Promise<{ assembled: boolean }> {
  const model = BUILT_IN_CUTOUT_MODELS[id];
  const existing = await stat(target).catch(() => undefined);
  if (existing?.size === model.bytes) {
    // A file checked before and untouched since is not read again (starts stay fast).
    const stamp = `${model.sha256} ${existing.size} ${existing.mtimeMs}`;
    const checked = await readFile(`${target}.checked`, "utf8").catch(() => "");
    if (checked === stamp) return { assembled: false };
    if ((await sha256File(target)) === model.sha256) {
      await writeFile(`${target}.checked`, stamp);
      return { assembled: false };
    }
  }

  const dist = dataPackageDist();
  const resources = JSON.parse(await readFile(path.join(dist, "resources.json"), "utf8")) as Record<
    string,
    { chunks: ResourceChunk[]; size?: number } | undefined
  >;
  const entry = resources[model.resource];
  if (!entry) throw new Error(`${DATA_PACKAGE} lists no ${model.resource}`);
  const chunks = [...entry.chunks].sort((a, b) => a.offsets[0] - b.offsets[0]);

  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  const whole = createHash("sha256");
  const out = await open(partial, "w");
  try {
    await writeChunks();
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  await out.close();
  const digest = whole.digest("hex");
  if (digest !== model.sha256) {
    await rm(partial, { force: true });
    throw new Error(`${model.resource}: assembled file has sha256 ${digest}, not ${model.sha256}`);
  }
  await rename(partial, target);
  const done = await stat(target);
  await writeFile(`${target}.checked`, `${model.sha256} ${done.size} ${done.mtimeMs}`);
  return { assembled: true };

  async function writeChunks() {
    let position = 0;
    for (const chunk of chunks) {
      const [start, end] = chunk.offsets;
      if (start !== position)
        throw new Error(`${model.resource}: chunks leave a gap at ${position}`);
      const bytes = await readFile(path.join(dist, chunk.hash));
      if (bytes.length !== end - start) {
        throw new Error(
          `${model.resource}: chunk ${chunk.hash} has ${bytes.length} bytes, not ${end - start}`,
        );
      }
      if (createHash("sha256").update(bytes).digest("hex") !== chunk.hash) {
        throw new Error(`${model.resource}: chunk ${chunk.hash} does not match its hash`);
      }
      await out.write(bytes, 0, bytes.length, position);
      whole.update(bytes);
      position = end;
    }
    if (position !== model.bytes) {
      throw new Error(`${model.resource}: chunks add up to ${position} bytes, not ${model.bytes}`);
    }
  }
}
