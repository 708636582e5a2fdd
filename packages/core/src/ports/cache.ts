/** A key/value cache with per-entry TTL. Values must be JSON-serialisable. Misses are `undefined`. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}
