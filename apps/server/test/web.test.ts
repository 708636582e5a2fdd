import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { restError, startServer, tempDir, trpcError, type RunningServer } from "./support";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c2b.js"></script></head><body><div id="root"></div></body></html>';
const BUNDLE = 'console.log("app");';

let s: RunningServer;
let dist: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dist = await tempDir("web");
  await mkdir(path.join(dist.dir, "assets"));
  await writeFile(path.join(dist.dir, "index.html"), INDEX);
  await writeFile(path.join(dist.dir, "assets", "app-3f9a1c2b.js"), BUNDLE);
  await writeFile(path.join(dist.dir, "favicon.svg"), "<svg/>");
  s = await startServer({ SERVE_WEB: "true", WEB_DIST_DIR: dist.dir });
});

afterAll(async () => {
  await s.stop();
  await dist.remove();
});

async function expectAppShell(pathname: string) {
  const response = await fetch(`${s.url}${pathname}`, { headers: { accept: "text/html" } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/html");
  expect(response.headers.get("cache-control")).toBe("no-cache");
  expect(await response.text()).toBe(INDEX);
}

describe("the built SPA", () => {
  it("serves index.html at the root, revalidated on every load", async () => {
    await expectAppShell("/");
  });

  it("falls back to index.html for client-side routes, the panel included", async () => {
    await expectAppShell("/panel");
    await expectAppShell("/panel/procedures/system.info");
    await expectAppShell("/cards/123?view=grid");
  });

  it("serves hashed assets with a year-long immutable cache", async () => {
    const response = await fetch(`${s.url}/assets/app-3f9a1c2b.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(await response.text()).toBe(BUNDLE);
  });

  it("revalidates unhashed files and answers missing files with 404, not the shell", async () => {
    const icon = await fetch(`${s.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("cache-control")).toBe("no-cache");
    const missing = await fetch(`${s.url}/assets/app-old.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("<html");
  });

  it("lets the SPA's scripts run under the CSP", async () => {
    const response = await fetch(`${s.url}/`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
  });

  it("never answers API, probe or metrics paths with the shell", async () => {
    const api = await fetch(`${s.url}/api/unknown`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect((await restError(api)).code).toBe("NOT_FOUND");

    const trpc = await fetch(`${s.url}/trpc/unknown.procedure`, {
      headers: { accept: "text/html" },
    });
    expect(trpc.status).toBe(404);
    expect((await trpcError(trpc)).code).toBe("NOT_FOUND");

    const health = await fetch(`${s.url}/healthz`, { headers: { accept: "text/html" } });
    expect(await health.json()).toEqual({ status: "ok" });

    const metrics = await fetch(`${s.url}/metrics`, { headers: { accept: "text/html" } });
    expect(await metrics.text()).toContain("# TYPE http_request_duration_seconds histogram");

    const post = await fetch(`${s.url}/panel`, { method: "POST" });
    expect(post.status).toBe(404);
  });
});
