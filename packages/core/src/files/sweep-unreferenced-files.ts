import { schema, type Database, type DbOrTx } from "@genflow/db";
import { inArray } from "drizzle-orm";

import { cardIndexKey, lockCardKey } from "../generate/cache-key";
import type { BlobStorage, Cache, Clock, Logger } from "../ports";
import { stagedPhotosInUse } from "../tasks/kinds/cutout-batch/kind";

export interface SweepFilesDeps {
  db: Database;
  /** The one blob store cards, uploads, cut-outs and tasks keep their files in. */
  blobs: BlobStorage;
  cache: Cache;
  clock: Clock;
  log: Logger;
}

export interface SweepFilesOptions {
  /** Files written more recently than this are left alone, whatever refers to them. Default 24 h. */
  graceMs?: number;
  /** Owners checked per query. Default 500. */
  batchSize?: number;
}

export const FILE_SWEEP_GRACE_MS = 24 * 3_600_000;

/**
 * A folder of the blob store whose files each belong to one row: which row a key belongs to
 * (undefined: a key of a shape it does not know, which is left alone), and which of a batch of
 * rows still exist. A file whose row is gone is removed by `remove`.
 */
interface Folder {
  prefix: string;
  ownerOf(key: string): string | undefined;
  existing(db: DbOrTx, owners: string[]): Promise<Set<string>>;
  /** Removes one owner's unreferenced files; default: delete each. */
  remove?(deps: SweepFilesDeps, owner: string, keys: string[]): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id in `<folder>/<id>` or `<folder>/<id>/<name>`, when it is a UUID. */
function idUnder(folder: string, key: string, nested: boolean): string | undefined {
  const [top, id, name, ...rest] = key.split("/");
  if (top !== folder || id === undefined || !UUID.test(id) || rest.length > 0) return undefined;
  return (nested ? name !== undefined : name === undefined) ? id : undefined;
}

async function existingIds(
  db: DbOrTx,
  table: typeof schema.tasks | typeof schema.uploads | typeof schema.cutouts,
  ids: string[],
): Promise<Set<string>> {
  const rows = await db.select({ id: table.id }).from(table).where(inArray(table.id, ids));
  return new Set(rows.map((row) => row.id));
}

async function cardKeysInUse(db: DbOrTx, keys: string[]): Promise<Set<string>> {
  const c = schema.cards;
  const rows = await db.selectDistinct({ key: c.key }).from(c).where(inArray(c.key, keys));
  return new Set(rows.map((row) => row.key));
}

const CARD_FILE = /^cards\/([0-9a-f]{2})\/([0-9a-f]{64})\.[a-z.]+$/;

const FOLDERS: Folder[] = [
  {
    prefix: "cards/",
    ownerOf(key) {
      const match = CARD_FILE.exec(key);
      return match?.[2]?.startsWith(match[1] ?? "") ? match[2] : undefined;
    },
    existing: cardKeysInUse,
    // Under the key's lock, as a card is made or deleted: a card made meanwhile keeps its image.
    remove(deps, key, files) {
      return deps.db.transaction(async (tx) => {
        await lockCardKey(tx, key);
        if ((await cardKeysInUse(tx, [key])).size > 0) return 0;
        await deps.cache.delete(cardIndexKey(key));
        for (const file of files) await deps.blobs.delete(file);
        return files.length;
      });
    },
  },
  {
    prefix: "uploads/",
    ownerOf: (key) => idUnder("uploads", key, false),
    existing: (db, ids) => existingIds(db, schema.uploads, ids),
  },
  {
    prefix: "cutouts/",
    ownerOf: (key) => idUnder("cutouts", key, true),
    // A photo staged for a batch has its cut-out's id before the cut-out exists.
    async existing(db, ids) {
      const made = await existingIds(db, schema.cutouts, ids);
      const staged = await stagedPhotosInUse(
        db,
        ids.filter((id) => !made.has(id)),
      );
      return new Set([...made, ...staged]);
    },
  },
  {
    prefix: "tasks/",
    ownerOf: (key) => idUnder("tasks", key, true),
    existing: (db, ids) => existingIds(db, schema.tasks, ids),
  },
];

/**
 * Removes files nothing refers to any more: a card image no card has, an upload, cut-out or
 * task file whose row is gone. They come from work a crash cut short between storing a file and
 * committing its row, and from rows removed while their files were being written. Files newer
 * than `graceMs` are never touched (their row may not be committed yet), nor keys of a shape this
 * does not know. Then the store removes its own leftovers (a disk's temporary files and empty
 * folders). Safe to run in several processes at once.
 */
export async function sweepUnreferencedFiles(
  deps: SweepFilesDeps,
  options: SweepFilesOptions = {},
): Promise<{ removed: number; leftovers: number }> {
  const before = new Date(deps.clock.now().getTime() - (options.graceMs ?? FILE_SWEEP_GRACE_MS));
  const batchSize = options.batchSize ?? 500;
  let removed = 0;

  for (const folder of FOLDERS) {
    const pending = new Map<string, string[]>();
    const flush = async () => {
      const owners = [...pending.keys()];
      const kept = await folder.existing(deps.db, owners);
      for (const owner of owners) {
        const files = pending.get(owner) ?? [];
        if (kept.has(owner)) continue;
        if (folder.remove) {
          removed += await folder.remove(deps, owner, files);
        } else {
          for (const file of files) await deps.blobs.delete(file);
          removed += files.length;
        }
      }
      pending.clear();
    };
    for await (const { key, modifiedAt } of deps.blobs.list(folder.prefix)) {
      if (modifiedAt >= before) continue;
      const owner = folder.ownerOf(key);
      if (owner === undefined) continue;
      const files = pending.get(owner);
      if (files) files.push(key);
      else {
        if (pending.size >= batchSize) await flush();
        pending.set(owner, [key]);
      }
    }
    if (pending.size > 0) await flush();
  }

  const leftovers = (await deps.blobs.removeLeftovers?.(before)) ?? 0;
  if (removed + leftovers > 0) {
    deps.log.info({ removed, leftovers }, "removed files nothing refers to");
  }
  return { removed, leftovers };
}
