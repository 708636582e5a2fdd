/**
 * The path of an API URL, to load it from this app's own origin. The API hands out absolute URLs
 * on its public address (what gets shared); the app itself always reaches the API on its own
 * origin (the dev server proxies it), where the session cookie applies.
 */
export function sameOriginPath(url: string): string {
  try {
    const parsed = new URL(url, "http://app.invalid");
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
