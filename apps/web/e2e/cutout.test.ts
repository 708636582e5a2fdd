import { readFile } from "node:fs/promises";

import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { objectPhoto, objectTiff } from "./support/photo";
import { signUp } from "./support/account";

const account = {
  name: "Hedy Lamarr",
  email: `hedy-${Date.now()}@example.com`,
  password: "frequency-hopping-1942",
};

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
/** Every `cutout.*` procedure the page called, in order, and the uploads it sent. */
const calls: string[] = [];
let uploads = 0;

/** Console noise for HTTP errors the page shows on purpose (a photo the server refuses). */
const expectedNoise = /Failed to load resource|status of (400|404|413|415|422)/;

/** The first inference loads the model, which takes a while on a small machine. */
const INFERENCE_TIMEOUT = 150_000;

const PNG_SIGNATURE = "89504e470d0a1a0a";

/** A full-page screenshot from the top, so the sticky header sits where it belongs. */
async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

/** The bytes of a finished download. */
async function downloaded(download: Download): Promise<Buffer> {
  return readFile(await download.path());
}

/** Fetches a same-origin URL as the signed-in page: status, headers that matter, first bytes. */
function fetchFromPage(target: Page, href: string) {
  return target.evaluate(async (url) => {
    const response = await fetch(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      disposition: response.headers.get("content-disposition"),
      head: Array.from(bytes.slice(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join(""),
      length: bytes.length,
    };
  }, href);
}

/** The download link once the file for the current options is ready. */
async function readyDownload(target: Page): Promise<string> {
  const link = target.getByTestId("cutout-download");
  await link.waitFor({ timeout: 30_000 });
  const href = await link.getAttribute("href");
  if (!href) throw new Error("the download link has no address");
  return href;
}

/** Waits until the download link points somewhere else than `previous`. */
async function nextDownload(target: Page, previous: string): Promise<string> {
  await target.waitForFunction(
    (before) => {
      const link = document.querySelector('[data-testid="cutout-download"]');
      const href = link?.getAttribute("href");
      return href !== null && href !== undefined && href !== before;
    },
    previous,
    { timeout: 30_000 },
  );
  return readyDownload(target);
}

/** Picks one of the options of a `Segmented` control by its visible label. */
async function choose(target: Page, group: string, label: string) {
  await target.getByTestId(group).getByText(label, { exact: true }).click();
}

/** Waits for the server's file for the current options to be drawn in the result layer. */
async function resultShown(target: Page) {
  await target.waitForFunction(() => {
    const image = document.querySelector<HTMLImageElement>('[data-testid="cutout-result"]');
    return image !== null && image.complete && image.naturalWidth > 0;
  });
}

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  page = await context.newPage();
  pageErrors = watchErrors(page);
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    const procedure = /^\/trpc\/(cutout\.[\w.,]+)/.exec(pathname)?.[1];
    if (procedure) calls.push(...procedure.split(","));
    if (pathname === "/api/uploads" && request.method() === "POST") uploads += 1;
  });
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

describe("background removal in a real browser", () => {
  it("offers a place to drop, pick or paste a photo", async () => {
    await signUp(page, account);

    await page.getByTestId("nav-cutout").click();
    await page.waitForURL((url) => url.pathname === "/cutout");
    await page.getByRole("heading", { name: "Cut out", level: 1 }).waitFor();
    await page.getByText("Drop a photo here").waitFor();
    await page.getByTestId("cutout-recent-empty").waitFor();
    // The models' licences are a click away.
    await page.getByTestId("cutout-licence-toggle").click();
    expect(await page.getByTestId("cutout-licence").textContent()).toMatch(/IS-Net.*AGPL-3\.0/);
    await screenshot(page, "cutout-01-empty-light-en");
    await page.keyboard.press("Escape");
    await page.getByTestId("cutout-licence").waitFor({ state: "detached" });
  });

  it("refuses a file that is not a photo, or too large, before sending it", async () => {
    await page.getByTestId("cutout-file").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("not a photo"),
    });
    expect(await page.getByTestId("cutout-refusal").textContent()).toContain(
      "“notes.txt” isn't a photo",
    );
    await page.getByTestId("cutout-file").setInputFiles({
      name: "huge.jpg",
      mimeType: "image/jpeg",
      buffer: Buffer.alloc(25 * 1024 * 1024 + 1),
    });
    expect(await page.getByTestId("cutout-refusal").textContent()).toContain(
      "photos can be at most 25 MB",
    );
    // Nothing was sent.
    expect(calls).not.toContain("cutout.process");
    expect(uploads).toBe(0);
  });

  it("shows what the server says when it refuses a photo", async () => {
    // Named and typed as a HEIC photo, so it goes as form data; its bytes are not a photo.
    await page.getByTestId("cutout-file").setInputFiles({
      name: "broken.heic",
      mimeType: "image/heic",
      buffer: Buffer.from("this is not an image at all, whatever its name says"),
    });
    const failed = page.getByTestId("cutout-failed");
    await failed.waitFor({ timeout: 30_000 });
    const message = (await failed.textContent()) ?? "";
    // The server's own words (its error envelope), with the request id.
    expect(message).toMatch(/Request ID/);
    expect(message).not.toContain("Something went wrong");
    await screenshot(page, "cutout-02-refused-light-en");
    await page.getByTestId("cutout-failed-dismiss").click();
  });

  let firstDownload: string;

  it("cuts out a photo, with progress, and compares it before and after", async () => {
    await page.getByTestId("cutout-file").setInputFiles({
      name: "red-lamp.png",
      mimeType: "image/png",
      buffer: objectPhoto(640, 480, 8),
    });
    const job = page.getByTestId("cutout-job");
    await job.waitFor();
    await page.locator('[data-testid="cutout-job"][data-phase="removing"]').waitFor();
    await screenshot(page, "cutout-03-removing-light-en");

    await page.getByTestId("cutout-stage").waitFor({ timeout: INFERENCE_TIMEOUT });
    expect(await page.getByTestId("cutout-name").textContent()).toBe("red-lamp.png");
    // A PNG under the upload limit went through the uploads, whose progress is shown.
    expect(uploads).toBe(1);
    firstDownload = await readyDownload(page);
    await resultShown(page);
    // The handle slides between the original and the result, by keyboard too.
    const compare = page.getByTestId("cutout-compare");
    await compare.focus();
    for (let i = 0; i < 15; i++) await page.keyboard.press("ArrowLeft");
    expect(await compare.getAttribute("aria-valuetext")).toBe("35% original");
    await screenshot(page, "cutout-04-result-transparent-light-en");

    const file = await fetchFromPage(page, firstDownload);
    expect(file.status).toBe(200);
    expect(file.head.startsWith(PNG_SIGNATURE)).toBe(true);
    expect(file.disposition).toMatch(/^attachment; filename="?red-lamp-cutout\.png"?$/);

    const downloading = page.waitForEvent("download");
    await page.getByTestId("cutout-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("red-lamp-cutout.png");
    expect((await downloaded(download)).subarray(0, 8).toString("hex")).toBe(PNG_SIGNATURE);
    // The photo appears among the recent cut-outs.
    await page.getByTestId("cutout-recent-item").first().waitFor();
  });

  it("changes background, crop and format without running the model again", async () => {
    const processed = calls.filter((call) => call === "cutout.process").length;

    await choose(page, "cutout-background", "Colour");
    await page.getByTestId("cutout-color-2563eb").click();
    // The preview changes at once, before the server's file is ready.
    expect(
      await page
        .getByTestId("cutout-preview-background")
        .evaluate((element) => getComputedStyle(element).backgroundColor),
    ).toBe("rgb(37, 99, 235)");
    const colour = await nextDownload(page, firstDownload);
    await resultShown(page);
    await screenshot(page, "cutout-05-colour-light-en");

    await choose(page, "cutout-background", "Gradient");
    await page.getByTestId("cutout-gradient-from").fill("#f97316");
    await page.getByTestId("cutout-gradient-to").fill("#7c3aed");
    const gradient = await nextDownload(page, colour);
    await resultShown(page);
    await screenshot(page, "cutout-06-gradient-light-en");

    const info = page.getByTestId("cutout-output-info");
    expect(await info.textContent()).toContain("640 × 480");
    await page.getByTestId("cutout-settings").getByText("Crop to the subject").click();
    const cropped = await nextDownload(page, gradient);
    await resultShown(page);
    const size = /(\d+) × (\d+)/.exec((await info.textContent()) ?? "");
    expect(Number(size?.[1])).toBeLessThan(640);
    expect(Number(size?.[2])).toBeLessThan(480);
    await screenshot(page, "cutout-07-gradient-cropped-light-en");
    const croppedFile = await fetchFromPage(page, cropped);
    expect(croppedFile.head.startsWith(PNG_SIGNATURE)).toBe(true);

    await choose(page, "cutout-format", "WebP");
    const webp = await nextDownload(page, cropped);
    expect(webp).toContain("download=red-lamp-cutout.webp");
    const webpFile = await fetchFromPage(page, webp);
    expect(webpFile.contentType).toBe("image/webp");
    expect(Buffer.from(webpFile.head, "hex").subarray(8, 12).toString("latin1")).toBe("WEBP");

    await choose(page, "cutout-background", "Blur");
    await nextDownload(page, webp);
    await resultShown(page);
    await screenshot(page, "cutout-08-blur-cropped-light-en");

    // The mask, cropped like the image.
    const downloading = page.waitForEvent("download");
    await page.getByTestId("cutout-download-mask").click();
    const mask = await downloading;
    expect(mask.suggestedFilename()).toBe("red-lamp-mask.png");
    expect((await downloaded(mask)).subarray(0, 8).toString("hex")).toBe(PNG_SIGNATURE);

    // Back to a transparent PNG: the first file again, from the cut-out's outputs.
    await choose(page, "cutout-background", "Transparent");
    await choose(page, "cutout-format", "PNG");
    await page.getByTestId("cutout-settings").getByText("Crop to the subject").click();
    expect(await readyDownload(page)).toBe(firstDownload);

    expect(calls.filter((call) => call === "cutout.process")).toHaveLength(processed);
    expect(calls.filter((call) => call === "cutout.compose").length).toBeGreaterThanOrEqual(5);
  });

  it("cuts out two photos as a batch, with each one's progress and the zip", async () => {
    await page.getByTestId("cutout-file-next").setInputFiles([
      { name: "blue-lamp.png", mimeType: "image/png", buffer: objectPhoto(480, 600, 210) },
      { name: "green-lamp.png", mimeType: "image/png", buffer: objectPhoto(600, 400, 120) },
    ]);
    const batch = page.getByTestId("cutout-batch");
    await batch.waitFor();
    await batch.getByRole("heading", { name: "Batch of 2 photos" }).waitFor();
    await page.getByTestId("cutout-batch-task").waitFor({ timeout: 30_000 });
    await screenshot(page, "cutout-09-batch-running-light-en");

    await page.getByTestId("cutout-batch-done").waitFor({ timeout: INFERENCE_TIMEOUT });
    expect(await page.getByTestId("cutout-batch-done").textContent()).toBe("2 photos cut out");
    const photos = page.getByTestId("cutout-batch-photo");
    expect(await photos.count()).toBe(2);
    for (const state of await photos.evaluateAll((rows) =>
      rows.map((row) => row.getAttribute("data-state")),
    )) {
      expect(state).toBe("done");
    }
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLImageElement>('[data-testid="cutout-batch-result"]')]
          .length === 2 &&
        [
          ...document.querySelectorAll<HTMLImageElement>('[data-testid="cutout-batch-result"]'),
        ].every((image) => image.complete && image.naturalWidth > 0),
    );
    await screenshot(page, "cutout-10-batch-done-light-en");
    // Each result is the server's small thumbnail of the subject, not the full-size file.
    for (const src of await page
      .getByTestId("cutout-batch-result")
      .evaluateAll((images) => images.map((image) => image.getAttribute("src")))) {
      expect(src).toMatch(/\/thumb\.webp$/);
    }

    const zipHref = await page.getByTestId("cutout-batch-zip").getAttribute("href");
    const zip = await fetchFromPage(page, zipHref ?? "");
    expect(zip.status).toBe(200);
    expect(Buffer.from(zip.head, "hex").subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");

    // The batch is a task like any other, named for what it is.
    await page.getByRole("link", { name: "Open in Tasks" }).click();
    await page.waitForURL((url) => url.pathname === "/tasks");
    const row = page.locator('[data-testid="task-row"][data-status="succeeded"]').first();
    expect(await row.textContent()).toMatch(/Cut-out batch.*2 photos/);
    await page.getByTestId("nav-cutout").click();
    await page.waitForURL((url) => url.pathname === "/cutout");
  });

  it("reopens a recent cut-out, and deletes one after asking", async () => {
    const recent = page.getByTestId("cutout-recent-item");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="cutout-recent-item"]').length === 3,
    );
    // Thumbnails of the subjects, made by the server.
    await page.waitForFunction(() =>
      [
        ...document.querySelectorAll<HTMLImageElement>('[data-testid="cutout-recent-item"] img'),
      ].every(
        (image) => image.complete && image.naturalWidth > 0 && image.src.endsWith("/thumb.webp"),
      ),
    );
    // Newest first: the batch's photos, then the first one.
    await recent.nth(2).getByRole("button", { name: "Open “red-lamp.png”" }).click();
    await page.getByTestId("cutout-stage").waitFor();
    expect(await page.getByTestId("cutout-name").textContent()).toBe("red-lamp.png");
    await readyDownload(page);

    await recent.nth(0).getByTestId("cutout-recent-delete").click();
    const dialog = page.getByRole("dialog", { name: "Delete this cut-out?" });
    await dialog.waitFor();
    await screenshot(page, "cutout-11-delete-light-en", { fullPage: false });
    await dialog.getByTestId("delete-cutout-confirm").click();
    await page.getByText("Cut-out deleted").waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="cutout-recent-item"]').length === 2,
    );
    // The open one was not the one deleted.
    await page.getByTestId("cutout-stage").waitFor();
  });

  it("sends a photo uploads do not take as form data, and shows it from a readable copy", async () => {
    const uploadsBefore = uploads;
    const processed = calls.filter((call) => call === "cutout.process").length;
    // Only the main subject, this time: the choice goes with the photo.
    await choose(page, "cutout-subject", "Main only");
    await page.getByTestId("cutout-file-next").setInputFiles({
      name: "violet-lamp.tif",
      mimeType: "image/tiff",
      buffer: objectTiff(480, 360, 280),
    });
    await page.getByTestId("cutout-job").waitFor();
    await page.getByTestId("cutout-stage").waitFor({ timeout: INFERENCE_TIMEOUT });
    expect(await page.getByTestId("cutout-name").textContent()).toBe("violet-lamp.tif");
    expect(uploads).toBe(uploadsBefore);
    expect(calls.filter((call) => call === "cutout.process")).toHaveLength(processed + 1);
    expect(await page.getByTestId("cutout-meta").textContent()).toMatch(/main subject only$/);
    // The browser cannot show a TIFF: the original side shows a WebP the server made of it.
    const original = page.getByTestId("cutout-before").locator("img");
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('[data-testid="cutout-before"] img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    expect(await original.getAttribute("src")).toMatch(/\/api\/cutouts\/[\w-]+\/preview\.webp$/);
    await readyDownload(page);
    await resultShown(page);
    await screenshot(page, "cutout-12-tiff-light-en");
  });

  it("looks right in the dark theme and in Chinese", async () => {
    await choose(page, "cutout-background", "Gradient");
    await readyDownload(page);
    await page.getByTestId("theme-toggle").click();
    await resultShown(page);
    await screenshot(page, "cutout-13-editor-dark-en");
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "抠图", level: 1 }).waitFor();
    await screenshot(page, "cutout-14-editor-dark-zh");
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    await page.getByTestId("theme-toggle").click();
    await page.getByRole("heading", { name: "Cut out", level: 1 }).waitFor();
  });

  it("fits a phone screen", async () => {
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
      const overflow = () =>
        mobile.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
      await mobile.goto("/cutout");
      await mobile.getByText("Drop a photo here").waitFor();
      await mobile.getByTestId("cutout-recent-item").first().waitFor();
      await screenshot(mobile, "cutout-15-phone-empty-light-en");
      expect(await overflow()).toBeLessThanOrEqual(0);
      await mobile.getByTestId("cutout-recent-item").first().getByRole("button").first().click();
      await mobile.getByTestId("cutout-stage").waitFor();
      await readyDownload(mobile);
      await screenshot(mobile, "cutout-16-phone-editor-light-en");
      expect(await overflow()).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it("had no unexpected errors in the page", () => {
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
