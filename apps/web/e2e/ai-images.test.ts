import { readFile } from "node:fs/promises";

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startFakeImageProvider } from "./support/fake-image-provider";
import type { FakeImageProvider } from "./support/fake-image-provider";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp } from "./support/account";

const account = {
  name: "Ada Lovelace",
  email: `ada-${Date.now()}@example.com`,
  password: "analytical-engine-1843",
};

let provider: FakeImageProvider;
let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** A full-page screenshot from the top, so the sticky header sits where it belongs. */
async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Picks a radio option the way a user does: by clicking its (visible) label. */
async function choose(target: Page, name: string | RegExp) {
  const radio = target.getByRole("radio", { name, exact: typeof name === "string" });
  await target.locator("label", { has: radio }).click();
  expect(await radio.isChecked()).toBe(true);
}

beforeAll(async () => {
  // The paid provider is the one thing these tests cannot run: an OpenAI-compatible stand-in.
  provider = await startFakeImageProvider({ delayMs: 2000 });
  host = await startHost({
    IMAGE_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test-not-a-real-key",
    OPENAI_BASE_URL: provider.baseUrl,
    OPENAI_IMAGE_MODEL: "fake-image-1",
  });
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  page = await context.newPage();
  pageErrors = watchErrors(page);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
  await provider.stop();
});

describe("AI images in a real browser, with a stand-in provider", () => {
  it("names the configured provider and model", async () => {
    await signUp(page, account);

    await page.goto("/studio/image");
    await page.getByRole("heading", { name: "AI images", level: 1 }).waitFor();
    const line = page.getByTestId("ai-provider");
    await line.waitFor();
    expect(await line.textContent()).toBe("Images by OpenAI · fake-image-1");
    expect(await page.getByTestId("ai-provider-missing").count()).toBe(0);
    // Nothing to send without a prompt.
    expect(await page.getByTestId("ai-generate").isDisabled()).toBe(true);
  });

  it("generates two images and shows them live, then full size", async () => {
    await page.getByTestId("ai-prompt").fill("A lighthouse on a cliff at dawn, watercolour");
    await choose(page, /^Portrait/);
    await choose(page, "2");
    await page.getByTestId("ai-random-seed").click();
    expect(await page.getByTestId("ai-seed").inputValue()).toMatch(/^\d+$/);
    await page.getByText("Advanced").click();
    await page.getByTestId("ai-negative").fill("text, watermark");
    await page.getByTestId("ai-generate").click();

    const item = page.getByTestId("ai-gallery-item").first();
    await item.waitFor();
    // The provider answers after two seconds: meanwhile the set is on its way.
    await page
      .locator('[data-testid="ai-gallery-item"][data-status="running"]')
      .first()
      .waitFor({ timeout: 20_000 });
    await screenshot(page, "ai-01-running-light-en");
    await page
      .locator('[data-testid="ai-gallery-item"][data-status="succeeded"]')
      .first()
      .waitFor({ timeout: 30_000 });
    const thumbnails = item.getByTestId("task-thumbnails").locator("img");
    expect(await thumbnails.count()).toBe(2);
    await page.waitForFunction(() =>
      [
        ...document.querySelectorAll<HTMLImageElement>(
          '[data-testid="ai-gallery-item"] [data-testid="task-thumbnails"] img',
        ),
      ].every((image) => image.complete && image.naturalWidth > 0),
    );
    expect(provider.prompts).toEqual(["A lighthouse on a cliff at dawn, watercolour"]);
    expect(await item.textContent()).toContain("1024 × 1536");
    await screenshot(page, "ai-02-done-light-en");

    await item.getByRole("button", { name: "View image-1.png" }).click();
    const lightbox = page.getByRole("dialog");
    await lightbox.getByTestId("image-lightbox").waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>('[data-testid="image-lightbox"] img')
          ?.naturalWidth ?? 0) > 0,
    );
    // The provider chose a quarter of the size asked for; the task says what it got.
    expect(await lightbox.textContent()).toContain("256 × 384");
    await screenshot(page, "ai-03-lightbox-light-en", { fullPage: false });
    await page.keyboard.press("ArrowRight");
    await lightbox.getByText("image-2.png").first().waitFor();

    const one = page.waitForEvent("download");
    await lightbox.getByTestId("lightbox-download").click();
    const image = await readFile(await (await one).path());
    expect(pngSize(image)).toEqual({ width: 256, height: 384 });
    await page.keyboard.press("Escape");
    await lightbox.waitFor({ state: "hidden" });

    const all = page.waitForEvent("download");
    await item.getByTestId("ai-download-all").click();
    const zipDownload = await all;
    expect(zipDownload.suggestedFilename()).toBe("images.zip");
    const zip = await readFile(await zipDownload.path());
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  });

  it("regenerates from the same request, and puts a request back into the form", async () => {
    const items = page.getByTestId("ai-gallery-item");
    await items.first().getByTestId("ai-regenerate").click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="ai-gallery-item"]').length === 2,
    );
    await page
      .locator('[data-testid="ai-gallery-item"]')
      .first()
      .and(page.locator('[data-status="succeeded"]'))
      .waitFor({ timeout: 30_000 });
    expect(provider.prompts).toHaveLength(2);
    expect(provider.prompts[1]).toBe(provider.prompts[0]);

    await page.getByTestId("ai-prompt").fill("");
    await items.last().getByTestId("ai-reuse").click();
    expect(await page.getByTestId("ai-prompt").inputValue()).toBe(
      "A lighthouse on a cliff at dawn, watercolour",
    );
    expect(await page.getByRole("radio", { name: /^Portrait/ }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "2", exact: true }).isChecked()).toBe(true);
    expect(await page.getByTestId("ai-negative").inputValue()).toBe("text, watermark");
  });

  it("lists the image tasks on the Tasks page, with their pictures", async () => {
    await page.getByTestId("nav-tasks").click();
    await page.getByTestId("task-kind").selectOption("image.generate");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="task-row"]')].filter(
          (row) => row.getAttribute("data-kind") === "image.generate",
        ).length === 2,
    );
    const row = page.getByTestId("task-row").first();
    expect(await row.textContent()).toContain("AI image");
    expect(await row.getByTestId("task-thumbnails").locator("img").count()).toBe(2);
    await row.getByRole("button", { name: "View image-2.png" }).click();
    await page.getByTestId("image-lightbox").waitFor();
    await page.keyboard.press("Escape");
    await screenshot(page, "ai-04-tasks-light-en");
  });

  it("looks right in the dark theme, in Chinese and on a phone", async () => {
    await page.goto("/studio/image");
    await page.getByTestId("ai-gallery").waitFor();
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "ai-05-gallery-dark-en");
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "AI 图像", level: 1 }).waitFor();
    await screenshot(page, "ai-06-gallery-dark-zh");
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    await page.getByTestId("theme-toggle").click();

    const phone = await newContext(browser, host.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto("/sign-in");
      await mobile.getByLabel("Email").fill(account.email);
      await mobile.getByLabel("Password", { exact: true }).fill(account.password);
      await mobile.getByRole("button", { name: "Sign in" }).click();
      await mobile.waitForURL((url) => url.pathname === "/");
      await mobile.goto("/studio/image");
      await mobile.getByTestId("ai-gallery").waitFor();
      await screenshot(mobile, "ai-07-phone-light-en");
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await mobile.goto("/tasks");
      await mobile.getByTestId("task-list").waitFor();
      await screenshot(mobile, "ai-08-tasks-phone-light-en");
    } finally {
      await phone.close();
    }
  });

  it("had no unexpected errors in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
