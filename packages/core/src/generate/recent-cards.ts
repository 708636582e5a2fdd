import { LRUCache } from "lru-cache";

import type { Logger, PubSub, Unsubscribe } from "../ports";
import type { CardImage, CreatedCard } from "./schemas";

/**
 * A process's memory of the cards it answered lately, so that the same request again (the most
 * common call there is: a card embedded in a page, an export clicked twice) is answered without
 * the database or the disk.
 *
 * It remembers three things, all keyed by the card's content address:
 * - which user has a card for a key (their history row as `createCard` returned it);
 * - the rendered bytes under a key (immutable: a key names exactly one image);
 * - public images as `GET /images/<key>.<ext>` serves them to anyone.
 *
 * Whatever changes what a key means for someone — a card deleted, its visibility changed — calls
 * `forget(key)`, which drops the key here and, through pub/sub, in every other process. Entries
 * also expire after `ttlMs`, which bounds staleness should a pub/sub message be lost (Redis down).
 */
export interface RecentCards {
  /**
   * The user's card for `key`, as last answered (`cached` is the caller's to set), if it was
   * answered for a request that named its pictures as `refs` (see `createCard`).
   */
  card(userId: string, key: string, refs: string): CreatedCard | undefined;
  rememberCard(userId: string, card: CreatedCard, refs: string): void;
  /** A card's rendered bytes by their name (`<key>.<ext>`), whoever may see them. */
  bytes(name: string): Uint8Array | undefined;
  rememberBytes(name: string, bytes: Uint8Array): void;
  /** A public image by its served name (`<key>.<ext>`, thumbnails included). */
  publicImage(name: string): CardImage | undefined;
  rememberPublicImage(name: string, image: CardImage): void;
  /** Drops everything about `key`, here and in every other process. */
  forget(key: string): Promise<void>;
  /** Stops listening for other processes' changes. */
  close(): Promise<void>;
}

export interface RecentCardsOptions {
  /** Carries `forget` to the other processes. */
  pubsub: PubSub;
  /** Memory for bytes and images together. */
  maxBytes?: number;
  /** How many (user, key) pairs are remembered. */
  maxCards?: number;
  ttlMs?: number;
  log?: Logger;
}

const CHANNEL = "generate:card-changed";
const KEY = /^[0-9a-f]{64}$/;

/** The content address at the start of an image name (`<key>.<ext>`). */
const keyOf = (name: string) => name.slice(0, 64);

export async function createRecentCards(options: RecentCardsOptions): Promise<RecentCards> {
  const ttl = options.ttlMs ?? 60_000;
  const cards = new LRUCache<string, Map<string, { card: CreatedCard; refs: string }>>({
    max: options.maxCards ?? 10_000,
    ttl,
  });
  /** Names remembered per key, so a key can be dropped without scanning. */
  const names = new Map<string, Set<string>>();
  const note = (name: string) => {
    const key = keyOf(name);
    let set = names.get(key);
    if (!set) names.set(key, (set = new Set()));
    set.add(name);
  };
  const unnote = (name: string) => {
    if (blobs.has(name) || images.has(name)) return;
    const set = names.get(keyOf(name));
    set?.delete(name);
    if (set?.size === 0) names.delete(keyOf(name));
  };
  // Bytes and images share one budget: half each.
  const budget = Math.floor((options.maxBytes ?? 64 * 1024 * 1024) / 2);
  const blobs: LRUCache<string, Uint8Array> = new LRUCache<string, Uint8Array>({
    maxSize: budget,
    sizeCalculation: (bytes) => Math.max(1, bytes.byteLength),
    ttl,
    dispose: (_bytes, name) => unnote(name),
  });
  const images: LRUCache<string, CardImage> = new LRUCache<string, CardImage>({
    maxSize: budget,
    sizeCalculation: (image) => Math.max(1, image.bytes.byteLength),
    ttl,
    dispose: (_image, name) => unnote(name),
  });
  const drop = (key: string) => {
    cards.delete(key);
    for (const name of [...(names.get(key) ?? [])]) {
      blobs.delete(name);
      images.delete(name);
    }
    names.delete(key);
  };

  const unsubscribe: Unsubscribe = await options.pubsub.subscribe(CHANNEL, (message) => {
    const key = (message as { key?: unknown } | null)?.key;
    if (typeof key === "string" && KEY.test(key)) drop(key);
  });

  return {
    card(userId, key, refs) {
      const entry = cards.get(key)?.get(userId);
      return entry?.refs === refs ? entry.card : undefined;
    },
    rememberCard(userId, card, refs) {
      let owners = cards.get(card.key);
      if (!owners) cards.set(card.key, (owners = new Map()));
      owners.set(userId, { card, refs });
    },
    bytes: (name) => blobs.get(name),
    rememberBytes(name, bytes) {
      note(name);
      blobs.set(name, bytes);
    },
    publicImage: (name) => images.get(name),
    rememberPublicImage(name, image) {
      if (image.visibility !== "public") return;
      note(name);
      images.set(name, image);
    },
    async forget(key) {
      drop(key);
      try {
        await options.pubsub.publish(CHANNEL, { key });
      } catch (error) {
        // The other processes' entries expire after `ttlMs` anyway.
        options.log?.warn({ err: error, key }, "could not tell other processes a card changed");
      }
    },
    close: () => unsubscribe(),
  };
}
