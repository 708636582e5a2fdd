import type { Cache } from "../../ports";
import { encodeJson, settle } from "../json";

interface Entry {
  /** The value as JSON text, so every read returns a fresh copy with the same shape Redis would give. */
  json: string;
  expiresAt: number;
}

/** In-process cache with TTL and a size bound (oldest entries are evicted first). */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(JSON.parse(entry.json) as T);
  }

  set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    return settle(() => {
      const json = encodeJson(value);
      this.entries.delete(key);
      // A value with no JSON form, or one that is already expired, reads back as a miss.
      if (json === undefined || ttlMs <= 0) return;
      this.entries.set(key, { json, expiresAt: Date.now() + ttlMs });
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done) break;
        this.entries.delete(oldest.value);
      }
    });
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}
