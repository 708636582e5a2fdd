import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import { objectPhoto } from "./support/photo";
import type { Host } from "./support/host";
import { signUp } from "./support/account";

/**
 * Articles in a real browser: writing with autosave and a live preview, two tabs editing the same
 * article (merged, then a conflict settled field by field), the history with a diff and restore,
 * publishing with pending changes, search in English and Chinese, the unsaved copy offered back
 * after a reload, and a public article read without an account.
 */

const account = {
  name: "Ada Lovelace",
  email: `ada-${Date.now()}@example.com`,
  password: "analytical-engine-1843",
};

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let articleUrl = "";

/** Console noise for HTTP errors the page shows on purpose (a conflict, a missing article). */
const expectedNoise = /Failed to load resource|status of (404|409)/;

async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

const saved = (target: Page) =>
  target
    .getByTestId("article-save-status")
    .filter({ hasText: /Saved|All changes saved/ })
    .waitFor();

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  page = await context.newPage();
  pageErrors = watchErrors(page);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

describe("articles in a real browser", () => {
  it("starts empty, then writes a draft that saves itself, with a live preview", async () => {
    await signUp(page, account);

    await page.getByTestId("nav-articles").click();
    await page.waitForURL((url) => url.pathname === "/articles");
    await page.getByText("No articles here yet").waitFor();
    await screenshot(page, "articles-01-empty-light-en");

    await page.getByTestId("article-new").click();
    await page.waitForURL((url) => /^\/articles\/[0-9a-f-]{36}$/.test(url.pathname));
    articleUrl = new URL(page.url()).pathname;
    await page.getByTestId("article-title").fill("Notes on the Analytical Engine");
    await page.getByTestId("article-tags").fill("history, 计算机");
    await page.getByTestId("article-tags").blur();
    await page
      .getByTestId("article-body")
      .fill(
        "## The engine\n\nThe **Analytical Engine** weaves algebraic patterns just as the Jacquard loom weaves flowers.\n\n- a mill\n- a store\n\n中文段落：差分机与分析机的区别。",
      );
    await page
      .getByTestId("article-preview")
      .getByRole("heading", { name: "The engine" })
      .waitFor();
    // A cover, uploaded from this computer.
    await page.getByTestId("article-cover-file").setInputFiles({
      name: "loom.png",
      mimeType: "image/png",
      buffer: objectPhoto(640, 336),
    });
    await page.getByTestId("article-cover-image").waitFor();
    await saved(page);
    // The address follows the title while the article is an unpublished draft.
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('[data-testid="article-slug"]')?.value ===
        "notes-on-the-analytical-engine",
    );
    expect(await page.getByTestId("article-tags").inputValue()).toBe("history, 计算机");
    await screenshot(page, "articles-02-editor-light-en");
  });

  it("merges edits of different fields from two tabs, and settles a clash field by field", async () => {
    const second = await context.newPage();
    const secondErrors = watchErrors(second);
    await second.goto(articleUrl);
    await second.getByTestId("article-title").waitFor();
    // Tab two changes the summary while tab one changes the title: both survive.
    await second.getByTestId("article-excerpt").fill("How the engine computes.");
    await page.getByTestId("article-title").fill("Notes on the Engine");
    // Each tab ends up with both changes: from its own save's answer (merged on the server) or,
    // for the tab that saved first, from the live event of the other's save.
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('[data-testid="article-excerpt"]')?.value ===
        "How the engine computes.",
      undefined,
      { timeout: 15_000 },
    );
    await second.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('[data-testid="article-title"]')?.value ===
        "Notes on the Engine",
      undefined,
      { timeout: 15_000 },
    );
    await saved(second);
    await saved(page);

    // Now both change the summary without seeing each other's change: a conflict.
    await second.getByTestId("article-excerpt").fill("Second tab's summary.");
    await page.getByTestId("article-excerpt").fill("First tab's summary.");
    await page
      .getByTestId("article-conflict")
      .waitFor({ timeout: 15_000 })
      .catch(async () => {
        // Tab one may have saved first: then tab two has the conflict.
        await second.getByTestId("article-conflict").waitFor({ timeout: 15_000 });
      });
    const clashing = (await page.getByTestId("article-conflict").isVisible()) ? page : second;
    await screenshot(clashing, "articles-03-conflict-light-en", { fullPage: false });
    await clashing.getByTestId("conflict-excerpt-theirs").check();
    await clashing.getByTestId("conflict-apply").click();
    await saved(clashing);
    const other = clashing === page ? second : page;
    const kept = await clashing.getByTestId("article-excerpt").inputValue();
    expect(["First tab's summary.", "Second tab's summary."]).toContain(kept);
    await other.waitForFunction(
      (value) =>
        document.querySelector<HTMLInputElement>('[data-testid="article-excerpt"]')?.value ===
        value,
      kept,
      { timeout: 15_000 },
    );
    expect(secondErrors.filter((e) => !expectedNoise.test(e))).toEqual([]);
    await second.close();
  });

  it("shows the history with a diff and restores an old version as a new one", async () => {
    await page.getByTestId("article-history").click();
    const revisions = page.getByTestId("revision");
    await revisions.first().waitFor();
    expect(await revisions.count()).toBeGreaterThanOrEqual(2);
    // The first revision: the empty draft. Its diff shows the body added since.
    await revisions.last().getByRole("button").first().click();
    await page.getByTestId("revision-diff-body").waitFor();
    await screenshot(page, "articles-04-history-diff-light-en");
    // Restoring the empty first draft adds a revision; nothing is lost: the one before it
    // brings the text back.
    const before = await revisions.count();
    await revisions.last().getByTestId("revision-restore").click();
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLTextAreaElement>('[data-testid="article-body"]')?.value === "",
    );
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="revision"]').length === count + 1,
      before,
    );
    expect(await revisions.first().textContent()).toContain("Restored #1");
    await revisions.nth(1).getByRole("button").first().click();
    await revisions.nth(1).getByTestId("revision-restore").click();
    await page.waitForFunction(() =>
      document
        .querySelector<HTMLTextAreaElement>('[data-testid="article-body"]')
        ?.value.includes("Jacquard loom"),
    );
    await page.getByTestId("article-history").click();
  });

  it("publishes, keeps readers on the published text while editing, and publishes again", async () => {
    await page.getByTestId("article-publish").click();
    await page.getByTestId("article-status").filter({ hasText: "Published" }).waitFor();
    await page.getByTestId("article-body").fill("A new body the readers must not see yet.");
    await saved(page);
    await page.getByTestId("article-pending").waitFor();
    await page.getByTestId("article-read").click();
    await page.waitForURL((url) => url.pathname.startsWith("/read/"));
    await page.getByTestId("article-reader").waitFor();
    expect(await page.getByTestId("markdown-view").textContent()).toContain("Jacquard loom");
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>(
        '[data-testid="article-reader"] [data-testid="article-cover-image"]',
      );
      return image?.complete === true && image.naturalWidth > 0;
    });
    await screenshot(page, "articles-05-read-light-en");
    await page.goBack();
    await page.getByTestId("article-publish").click();
    await page.getByTestId("article-pending").waitFor({ state: "detached" });
  });

  it("finds articles in English and Chinese, with the matches marked", async () => {
    // A second, published article in Chinese.
    await page.goto("/articles");
    await page.getByTestId("article-new").click();
    await page.waitForURL((url) => /^\/articles\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByTestId("article-title").fill("机器学习入门");
    await page
      .getByTestId("article-body")
      .fill("机器学习是人工智能的一个分支。神经网络通过梯度下降训练。");
    await saved(page);
    await page.getByTestId("article-publish").click();
    await page.getByTestId("article-status").filter({ hasText: "Published" }).waitFor();

    await page.goto("/articles");
    await page.getByTestId("article-search").fill("梯度下降");
    await page.getByTestId("article-hit").first().waitFor();
    expect(await page.getByTestId("article-hit").count()).toBe(1);
    expect(await page.locator('[data-testid="article-snippet"] mark').first().textContent()).toBe(
      "梯度下降",
    );
    await screenshot(page, "articles-06-search-zh-light-en");
    await page.getByTestId("article-search").fill("readers body");
    await page.getByTestId("article-hit").filter({ hasText: "Notes on the Engine" }).waitFor();
    await screenshot(page, "articles-07-search-en-light-en");
  });

  it("offers unsaved work back after a reload", async () => {
    await page.goto(articleUrl);
    await page.getByTestId("article-title").waitFor();
    // Typed, then the tab goes away before the autosave could run.
    await page.getByTestId("article-body").fill("Words typed just before the crash.");
    await page.reload();
    await page.getByTestId("article-recovered").waitFor();
    await screenshot(page, "articles-08-recovered-light-en", { fullPage: false });
    await page.getByTestId("article-recover").click();
    await saved(page);
    expect(await page.getByTestId("article-body").inputValue()).toBe(
      "Words typed just before the crash.",
    );
  });

  it("lets anyone read a public article, and nobody read a private one without signing in", async () => {
    await page.getByTestId("article-publish").click();
    await page.getByTestId("article-pending").waitFor({ state: "detached" });
    await page.getByTestId("article-visibility").click();
    await page.getByText("Public link").waitFor();
    const slug = await page.getByTestId("article-slug").inputValue();
    const anonymous = await browser.newContext({
      baseURL: host.url,
      viewport: { width: 1280, height: 800 },
    });
    const reader = await anonymous.newPage();
    await reader.goto(`/read/${slug}`);
    await reader.getByTestId("article-reader").waitFor();
    expect(await reader.getByTestId("markdown-view").textContent()).toContain(
      "just before the crash",
    );
    await screenshot(reader, "articles-09-public-read-light-en");
    await page.getByTestId("article-visibility").click();
    await page.getByText("Members only").first().waitFor();
    await reader.reload();
    await reader.getByText("This article doesn't exist or isn't published.").waitFor();
    await anonymous.close();
    expect(pageErrors.filter((e) => !expectedNoise.test(e))).toEqual([]);
  });
});
