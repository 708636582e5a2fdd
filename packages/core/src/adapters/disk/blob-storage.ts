import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

import type { BlobStorage, StoredBlob } from "../../ports";

/** Keys are relative, slash-separated paths of safe characters, without `.` or `..` segments. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Blob storage in a local folder, one file per key (a key's slashes become subfolders). Writes go
 * to a temporary file that is then renamed into place, so a reader sees the old bytes or the new
 * ones, never half a file. For a single host or development; several hosts need a shared store.
 */
export class DiskBlobStorage implements BlobStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key) || key.includes("..")) throw new Error(`invalid blob key: ${key}`);
    return path.join(this.root, ...key.split("/"));
  }

  /** The content type is not kept: callers know what they stored under a key. */
  async put(key: string, bytes: Uint8Array, _options?: { contentType: string }): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, bytes).catch(async (error: unknown) => {
        // Its folder was empty, and tidied away since the line above: make it again.
        if (!isMissing(error)) throw error;
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(temporary, bytes);
      });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<StoredBlob> {
    if (!prefix.endsWith("/")) throw new Error(`invalid blob prefix: ${prefix}`);
    const top = this.pathOf(prefix.slice(0, -1));
    for await (const file of walk(top)) {
      if (isTemporary(file)) continue;
      const modifiedAt = await modifiedTime(file);
      if (!modifiedAt) continue;
      const key = [prefix.slice(0, -1), ...path.relative(top, file).split(path.sep)].join("/");
      yield { key, modifiedAt };
    }
  }

  /**
   * Removes temporary files of writes a crash cut short, and folders left empty by deletes, last
   * changed before `before`. A `put` whose folder goes at that moment makes it again.
   */
  async removeLeftovers(before: Date): Promise<number> {
    const tidy = async (folder: string): Promise<number> => {
      let removed = 0;
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          removed += await tidy(full);
          const changed = await modifiedTime(full);
          if (
            changed &&
            changed < before &&
            (await rmdir(full).then(
              () => true,
              () => false,
            ))
          ) {
            removed += 1;
          }
        } else if (entry.isFile() && isTemporary(full)) {
          const changed = await modifiedTime(full);
          if (changed && changed < before) {
            await rm(full, { force: true });
            removed += 1;
          }
        }
      }
      return removed;
    };
    return tidy(this.root);
  }
}

/** A write's temporary file (`<file>.<uuid>.tmp`), which `put` renames into place when done. */
const TEMPORARY = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

const isTemporary = (file: string) => TEMPORARY.test(file);

async function modifiedTime(file: string): Promise<Date | undefined> {
  try {
    return (await stat(file)).mtime;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The files under `folder`, one folder read at a time; nothing when it does not exist. */
async function* walk(folder: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}
