import { readFile } from "node:fs/promises";

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp } from "./support/account";

const account = {
  name: "Katherine Johnson",
  email: `katherine-${Date.now()}@example.com`,
  password: "trajectory-analysis-1962",
};

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** Console noise for HTTP errors the studio shows on purpose (a refused preview, a 404 probe). */
const expectedNoise = /Failed to load resource|status of (400|401|403|404|413)/;

/** Every preview the server rendered for the page, by content address (from the responses). */
const renderedSvg = new Map<string, string>();

function recordPreviews(target: Page) {
  target.on("response", (response) => {
    if (!new URL(response.url()).pathname.includes("generate.preview") || !response.ok()) return;
    void response
      .json()
      .then((body: unknown) => {
        for (const entry of Array.isArray(body) ? body : [body]) {
          const preview = (entry as { result?: { data?: { json?: { key: string; svg: string } } } })
            .result?.data?.json;
          if (preview) renderedSvg.set(preview.key, preview.svg);
        }
      })
      .catch(() => undefined);
  });
}

/**
 * The live preview as shown: its object URL, its content address, and the SVG the server sent
 * for that address (scripts may not read blob: URLs under the app's CSP, so it comes from the
 * network).
 */
async function previewState(target: Page): Promise<{ key: string; src: string; svg: string }> {
  const image = target.getByTestId("studio-preview");
  await image.waitFor();
  const { key, src } = await image.evaluate((element: HTMLImageElement) => ({
    key: element.dataset.previewKey ?? "",
    src: element.src,
  }));
  await expect.poll(() => renderedSvg.has(key)).toBe(true);
  return { key, src, svg: renderedSvg.get(key) ?? "" };
}

/** Waits until the preview shows a different render than `key`, and has stopped rendering. */
async function waitForNewPreview(target: Page, key: string) {
  await target.waitForFunction(
    (previous) => {
      const image = document.querySelector<HTMLImageElement>('[data-testid="studio-preview"]');
      const status = document.querySelector('[data-testid="preview-status"]');
      return (
        image !== null &&
        image.dataset.previewKey !== previous &&
        image.complete &&
        status?.getAttribute("data-busy") === "false"
      );
    },
    key,
    { timeout: 20_000 },
  );
  return previewState(target);
}

/** Waits until the preview shows `templateId` (any, when not given) and is not rendering. */
async function previewSettled(target: Page, templateId?: string) {
  await target.waitForFunction(
    (template) => {
      const image = document.querySelector<HTMLImageElement>('[data-testid="studio-preview"]');
      const status = document.querySelector('[data-testid="preview-status"]');
      return (
        image !== null &&
        image.complete &&
        (template === null || image.dataset.templateId === template) &&
        status?.getAttribute("data-busy") === "false"
      );
    },
    templateId ?? null,
    { timeout: 20_000 },
  );
}

/** A small PNG drawn by the browser's canvas. */
async function drawPng(target: Page): Promise<Buffer> {
  const base64 = await target.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 40;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d context");
    context.fillStyle = "#0ea5e9";
    context.fillRect(0, 0, 64, 40);
    context.fillStyle = "#f43f5e";
    context.fillRect(0, 0, 32, 40);
    return canvas.toDataURL("image/png").split(",")[1] ?? "";
  });
  return Buffer.from(base64, "base64");
}

/**
 * A full-page screenshot taken from the top, so the sticky header and the fixed sidebar sit where
 * they belong in the picture.
 */
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
  host = await startHost();
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  page = await context.newPage();
  pageErrors = watchErrors(page);
  recordPreviews(page);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

describe("the card studio in a real browser", () => {
  it("opens from the navigation with rendered templates and a live preview", async () => {
    await signUp(page, account);

    await page.getByTestId("nav-studio").click();
    await page.waitForURL((url) => url.pathname === "/studio");
    await page.getByRole("heading", { name: "Card studio", level: 1 }).waitFor();
    // Every template's sample is rendered as its thumbnail.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="template-picker"] img').length === 4,
    );
    expect(await page.getByRole("radio", { name: /^Quote/ }).isChecked()).toBe(true);
    await previewSettled(page, "quote");
    const { svg } = await previewState(page);
    expect(svg).toContain("<svg");
    // Prefilled with the template's sample.
    expect(await page.getByRole("textbox", { name: "Quote", exact: true }).inputValue()).toContain(
      "Simplicity is prerequisite for reliability",
    );
    await screenshot(page, "studio-01-editor-light-en");
  });

  it("re-renders the preview a moment after the title changes", async () => {
    await choose(page, /^Article cover/);
    const title = page.getByLabel("Title", { exact: true });
    await title.waitFor();
    expect(await title.inputValue()).toBe("Rendering share cards in under ten milliseconds");
    await previewSettled(page, "article-cover");
    const beforeState = await previewState(page);
    expect(beforeState.svg).toContain("Rendering share cards in under ten milliseconds");

    await title.fill("Launch week: the card studio is live");
    const after = await waitForNewPreview(page, beforeState.key);
    expect(after.src).not.toBe(beforeState.src);
    expect(after.svg).not.toBe(beforeState.svg);
    expect(after.svg).toContain("Launch week: the card studio is live");
  });

  it("switches size, theme and brand colours, and checks custom sizes", async () => {
    let { key } = await previewState(page);
    await choose(page, /^Square/);
    ({ key } = await waitForNewPreview(page, key));
    const image = page.getByTestId("studio-preview");
    expect(await image.getAttribute("width")).toBe("1080");
    expect(await image.getAttribute("height")).toBe("1080");

    await choose(page, "Dark");
    ({ key } = await waitForNewPreview(page, key));
    await page.getByLabel("Accent colour").fill("#f97316");
    ({ key } = await waitForNewPreview(page, key));
    expect(await page.getByTestId("color-primary").textContent()).toContain("#f97316");

    await choose(page, /^Custom/);
    await page.getByLabel("Width").fill("150");
    await page.getByText("Use 200 to 2400 pixels.").waitFor();
    await page.getByText("Enter a valid custom size to update the preview.").waitFor();
    expect(await page.getByTestId("create-card").isDisabled()).toBe(true);
    await page.getByLabel("Width").fill("900");
    await page.getByLabel("Height").fill("500");
    ({ key } = await waitForNewPreview(page, key));
    expect(await image.getAttribute("width")).toBe("900");
    expect(await image.getAttribute("height")).toBe("500");

    await choose(page, /^Open Graph/);
    await waitForNewPreview(page, key);
    expect(await image.getAttribute("width")).toBe("1200");
    await screenshot(page, "studio-02-editor-dark-card-light-en");
  });

  it("uploads a picture from disk into the card, and refuses what it cannot take", async () => {
    const { key } = await previewState(page);
    const cover = page.getByLabel(/^Cover image/);
    await cover.setInputFiles({
      name: "big.png",
      mimeType: "image/png",
      buffer: Buffer.alloc(11 * 1024 * 1024),
    });
    await page.getByText("“big.png” is 11 MB; images can be at most 10 MB.").waitFor();
    // Named and typed as a PNG, but not one: the server reads the bytes and says so.
    await cover.setInputFiles({
      name: "notes.png",
      mimeType: "image/png",
      buffer: Buffer.from("Just some text, not a picture."),
    });
    await page
      .getByText("Couldn't upload “notes.png”: Only PNG, JPEG and WebP images can be uploaded")
      .waitFor();
    await screenshot(page, "studio-02a-upload-refused-light-en");

    // The upload is held on its way, to see the field while it is in flight.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const isUpload = (url: URL) => url.pathname === "/api/uploads";
    await page.route(isUpload, async (route) => {
      await held;
      await route.continue();
    });
    const uploaded = page.waitForResponse(
      (response) => isUpload(new URL(response.url())) && response.request().method() === "POST",
    );
    await cover.setInputFiles({
      name: "cover.png",
      mimeType: "image/png",
      buffer: await drawPng(page),
    });
    await page.getByTestId("image-field-cover").getByRole("progressbar").waitFor();
    await page
      .getByTestId("image-field-cover")
      .getByText(/Uploading “cover\.png”… \d+%/)
      .waitFor();
    await screenshot(page, "studio-02b-uploading-cover-light-en");
    release();
    const response = await uploaded;
    await page.unroute(isUpload);
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await page.getByTestId("image-field-cover").getByText("cover.png").waitFor();
    // The thumbnail is the upload itself, served back to its owner.
    expect(await page.getByTestId("image-thumbnail-cover").getAttribute("src")).toBe(
      `/api/uploads/${id}`,
    );
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLImageElement>('[data-testid="image-thumbnail-cover"]')
          ?.naturalWidth === 64,
    );
    const after = await waitForNewPreview(page, key);
    expect(after.svg).toContain("data:image/");
    await screenshot(page, "studio-02c-uploaded-cover-light-en");
  });

  it("creates a card and serves its image at the copied URL", async () => {
    await choose(page, "2×");
    await page.getByText("Output: 2400 × 1260 px").waitFor();
    await page.getByTestId("create-card").click();
    const result = page.getByTestId("result-panel");
    await result.waitFor();
    await result.getByText("Your card is ready").waitFor();

    await page.getByTestId("copy-url").click();
    await result.getByText("Copied").waitFor();
    const url = await page.evaluate(() => navigator.clipboard.readText());
    expect(url).toBe(await page.getByTestId("result-url").inputValue());
    const path = new URL(url).pathname;
    expect(path).toMatch(/^\/api\/images\/[0-9a-f]{64}\.png$/);

    // The image is served to its owner's session (the page's cookies), as a PNG of 2× the size.
    const response = await page.request.get(new URL(path, host.url).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("image/png");
    expect(pngSize(await response.body())).toEqual({ width: 2400, height: 1260 });
    // Private: another browser without the session cannot see it.
    const stranger = await browser.newContext();
    try {
      expect((await stranger.request.get(new URL(path, host.url).toString())).status()).toBe(404);
    } finally {
      await stranger.close();
    }

    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>('[data-testid="result-image"]')?.naturalWidth ??
          0) === 2400,
    );
    await screenshot(page, "studio-03-created-light-en");
  });

  it("exports the card as a WebP download", async () => {
    const form = page.getByTestId("export-form");
    await form.getByLabel("File name").fill("launch-week");
    await form.getByLabel("Format").selectOption("webp");
    await form.getByLabel("Scale").selectOption("1");
    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("launch-week.webp");
    const file = await readFile(await download.path());
    expect(file.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(file.subarray(8, 12).toString("latin1")).toBe("WEBP");
    await page.getByText("Download started: launch-week.webp").waitFor();
  });

  it("names characters no font can draw, on the field and in the preview", async () => {
    const { key } = await previewState(page);
    await page.getByLabel("Title", { exact: true }).fill("Tamil letter த on a card");
    await waitForNewPreview(page, key);
    const warnings = page.getByTestId("preview-warnings");
    await warnings.waitFor();
    expect(await warnings.textContent()).toContain("Title: no font can draw “த” (U+0BA4)");
    expect(await page.getByTestId("field-warning-title").textContent()).toBe(
      "Can't be drawn: “த” (U+0BA4)",
    );
    // The card on show was made from the earlier title.
    await page.getByTestId("result-outdated").waitFor();
    await screenshot(page, "studio-04-warnings-light-en");

    // Ctrl+Enter creates the card from anywhere in the editor.
    await page.getByLabel("Title", { exact: true }).press("Control+Enter");
    await page.getByTestId("result-warnings").getByText("no font can draw “த” (U+0BA4)").waitFor();
    await page.getByTestId("result-outdated").waitFor({ state: "detached" });
  });

  it("shows the server's field errors on the field", async () => {
    const title = page.getByLabel("Title", { exact: true });
    await title.fill("");
    await page.getByText("Fix the highlighted fields to update the preview.").waitFor();
    await page
      .getByRole("alert")
      .filter({ hasText: /^Required$/ })
      .waitFor();
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "studio-05-field-error-light-en");
    await title.fill("Back to a valid title");
    await page.waitForFunction(
      () => document.querySelector('input[name="title"]')?.getAttribute("aria-invalid") === null,
    );
  });

  it("lists cards in history a page at a time, reopens one and deletes one", async () => {
    // Ten more cards through the API, so the history has more than one page (12 per page).
    const created = await page.evaluate(async () => {
      let ok = 0;
      for (let i = 1; i <= 10; i++) {
        const response = await fetch("/trpc/generate.card", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            json: { templateId: "quote", fields: { quote: `Batch quote number ${i}` } },
          }),
        });
        if (response.ok) ok++;
      }
      return ok;
    });
    expect(created).toBe(10);

    await page.getByTestId("studio-tab-history").click();
    await page.waitForURL((url) => url.pathname === "/studio/history");
    await page.getByRole("heading", { name: "Your cards", level: 1 }).waitFor();
    const items = page.getByTestId("history-item");
    await page.getByTestId("history-load-more").waitFor();
    expect(await items.count()).toBe(12);
    await screenshot(page, "studio-06-history-light-en");
    await page.getByTestId("history-load-more").click();
    await page.getByTestId("history-end").waitFor();
    // Two from the editor, one export, ten from the API.
    expect(await items.count()).toBe(13);

    const tamil = items.filter({ hasText: "Tamil letter த on a card" });
    expect(await tamil.count()).toBe(1);
    expect(await tamil.textContent()).toContain("1 warning");
    await tamil.getByTestId("history-reopen").click();
    await page.waitForURL((url) => url.pathname === "/studio");
    expect(await page.getByRole("radio", { name: /^Article cover/ }).isChecked()).toBe(true);
    expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe(
      "Tamil letter த on a card",
    );
    expect(await page.getByRole("radio", { name: "Dark" }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "2×" }).isChecked()).toBe(true);
    // The cover was uploaded, so it comes back with the card: nothing to pick again.
    const thumbnail = page.getByTestId("image-thumbnail-cover");
    expect(await thumbnail.getAttribute("src")).toMatch(/^\/api\/uploads\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId("missing-images").count()).toBe(0);
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLImageElement>('[data-testid="image-thumbnail-cover"]')
          ?.naturalWidth === 64,
    );
    await previewSettled(page, "article-cover");
    const reopened = await previewState(page);
    expect(reopened.svg).toContain("Tamil letter");
    expect(reopened.svg).toContain("data:image/");
    await screenshot(page, "studio-07-reopened-light-en");

    await page.getByTestId("studio-tab-history").click();
    const batch = items.filter({ hasText: "Batch quote number 10" });
    await batch.getByTestId("history-delete").click();
    await page.getByRole("heading", { name: "Delete this card?" }).waitFor();
    await screenshot(page, "studio-08-delete-confirm-light-en", { fullPage: false });
    await page.getByTestId("delete-card-confirm").click();
    await batch.waitFor({ state: "detached" });
    await page.getByText("Card deleted").first().waitFor();
    expect(await items.count()).toBe(12);
  });

  it("speaks Simplified Chinese, with the Chinese sample", async () => {
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "我的卡片", level: 1 }).waitFor();
    await page.getByTestId("studio-tab-editor").click();
    await page.getByRole("heading", { name: "卡片工作室", level: 1 }).waitFor();
    await choose(page, /^公告/);
    // An untouched template starts with the sample in the UI's language; both are a click away.
    const headline = page.getByLabel("主标题", { exact: true });
    expect(await headline.inputValue()).toBe("GenFlow 开发者大会 2025 🎉");
    await previewSettled(page, "announcement");
    let { key } = await previewState(page);
    await page.getByTestId("sample-en").click();
    expect(await headline.inputValue()).toBe("GenFlow Summit 2025: build with generative media");
    ({ key } = await waitForNewPreview(page, key));
    await page.getByTestId("sample-zh").click();
    expect(await headline.inputValue()).toBe("GenFlow 开发者大会 2025 🎉");
    const zh = await waitForNewPreview(page, key);
    expect(zh.svg).toContain("GenFlow 开发者大会 2025");
    await screenshot(page, "studio-09-editor-light-zh");
    // The server's field errors are said in the page's language too.
    await headline.fill("");
    await page
      .getByRole("alert")
      .filter({ hasText: /^必填$/ })
      .waitFor();
    expect(await headline.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "studio-09a-field-error-light-zh");
    await page.getByTestId("sample-zh").click();
    await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]'));
    await page.getByTestId("studio-tab-history").click();
    await page.getByTestId("history-item").first().waitFor();
    await screenshot(page, "studio-10-history-light-zh");
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    await page.getByRole("heading", { name: "Your cards", level: 1 }).waitFor();
  });

  it("looks right in the dark app theme", async () => {
    await page.getByTestId("theme-toggle").click();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
      true,
    );
    await screenshot(page, "studio-11-history-dark-en");
    await page.getByTestId("studio-tab-editor").click();
    await previewSettled(page);
    await screenshot(page, "studio-12-editor-dark-en");
    await page.getByTestId("theme-toggle").click();
  });

  it("fits a phone screen", async () => {
    const phone = await newContext(browser, host.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    try {
      const mobile = await phone.newPage();
      recordPreviews(mobile);
      await mobile.goto("/sign-in");
      await mobile.getByLabel("Email").fill(account.email);
      await mobile.getByLabel("Password", { exact: true }).fill(account.password);
      await mobile.getByRole("button", { name: "Sign in" }).click();
      await mobile.waitForURL((url) => url.pathname === "/");
      await mobile.goto("/studio");
      await mobile.getByRole("heading", { name: "Card studio", level: 1 }).waitFor();
      await previewSettled(mobile);
      await screenshot(mobile, "studio-13-editor-phone-light-en");
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await mobile.goto("/studio/history");
      await mobile.getByTestId("history-item").first().waitFor();
      await screenshot(mobile, "studio-14-history-phone-light-en");
    } finally {
      await phone.close();
    }
  });

  it("had no unexpected errors in the page", () => {
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
