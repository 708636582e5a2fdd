/**
 * JSON encoding shared by the cache and pub/sub adapters, so memory and Redis agree on what a value
 * looks like after a round trip (dates become strings, `undefined` fields disappear).
 */
export function encodeJson(value: unknown): string | undefined {
  // `undefined`, functions and symbols have no JSON form (despite the `string` in the typings);
  // the caller decides what that means.
  const json: string | undefined = JSON.stringify(value);
  return json;
}

/** Runs `fn` and returns its result as a promise, turning a synchronous throw into a rejection. */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
