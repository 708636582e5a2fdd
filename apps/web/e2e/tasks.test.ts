import { readFile } from "node:fs/promises";

import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp } from "./support/account";

const account = {
  name: "Grace Hopper",
  email: `grace-${Date.now()}@example.com`,
  password: "compile-the-first-1952",
};

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** Console noise for HTTP errors the page shows on purpose (a refused batch). */
const expectedNoise = /Failed to load resource|status of (400|409)/;

/** A full-page screenshot from the top, so the sticky header sits where it belongs. */
async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

/** CSV for the quote template: one row per quote, with a comma and quotes to escape. */
function quotesCsv(count: number, prefix: string): string {
  const lines = Array.from(
    { length: count },
    (_, i) => `"${prefix} ${i + 1}, said ""she""",Grace Hopper ${i + 1}`,
  );
  return `quote,author\n${lines.join("\n")}\n`;
}

interface CreatedTask {
  id: string;
  status: string;
}

/** Queues a card batch through the API, as the signed-in page. */
async function createBatch(target: Page, batch: Record<string, unknown>): Promise<CreatedTask> {
  return target.evaluate(async (input) => {
    const response = await fetch("/trpc/generate.batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { batch: input } }),
    });
    const body = (await response.json()) as {
      result?: { data: { json: { task: { id: string; status: string } } } };
    };
    if (!body.result) throw new Error(`generate.batch failed: ${JSON.stringify(body)}`);
    return body.result.data.json.task;
  }, batch);
}

/** A batch slow enough to still be running while the test looks at it. */
function slowBatch(label: string) {
  return {
    templateId: "quote",
    format: "png",
    scale: 2,
    rows: Array.from({ length: 500 }, (_, i) => ({
      quote: `${label}: a long run, card ${i + 1}`,
      author: "Blocker",
    })),
  };
}

/** The bytes of a finished download. */
async function downloaded(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}

const row = (target: Page, id: string) =>
  target.locator(`[data-testid="task-row"][data-task-id="${id}"]`);

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  page = await context.newPage();
  pageErrors = watchErrors(page);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

describe("background tasks in a real browser", () => {
  it("lists no tasks at first and offers the two ways to start one", async () => {
    await signUp(page, account);

    await page.getByTestId("nav-tasks").click();
    await page.waitForURL((url) => url.pathname === "/tasks");
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    await page.getByText("No tasks yet").waitFor();
    // The stream of task updates is open.
    await page.locator('[data-testid="tasks-connection"][data-status="online"]').waitFor();
    // The first account administers the installation: it sees the queue of every user.
    await page
      .getByTestId("task-stats")
      .locator('[data-kind="cards.batch"]')
      .getByText("Card batch")
      .waitFor();
    await screenshot(page, "tasks-01-empty-light-en");
  });

  it("makes a card batch from CSV in the studio, watches it and downloads the zip", async () => {
    await page.getByTestId("empty-new-batch").click();
    await page.waitForURL((url) => url.pathname === "/studio");
    const dialog = page.getByRole("dialog", { name: "Create a batch of cards" });
    await dialog.waitFor();
    // The template's fields are the expected header.
    expect(await dialog.getByTestId("batch-fields").textContent()).toContain("quote");
    await dialog.getByTestId("batch-text").fill(quotesCsv(3, "Ship it"));
    await dialog.getByText("CSV with 3 rows.").waitFor();
    await dialog.getByTestId("batch-pattern").fill("{index}-{author}");
    await screenshot(page, "tasks-02-batch-form-light-en", { fullPage: false });

    await dialog.getByTestId("batch-submit").click();
    await dialog.getByTestId("batch-watch").waitFor();
    await dialog.getByText("3 cards are ready").waitFor({ timeout: 60_000 });
    await screenshot(page, "tasks-03-batch-done-light-en", { fullPage: false });

    const downloading = page.waitForEvent("download");
    await dialog.getByTestId("batch-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("cards.zip");
    const zip = await downloaded(download);
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
    // The file-name pattern named the cards; the manifest lists them.
    const names = zip.toString("latin1");
    expect(names).toContain("1-Grace-Hopper-1.png");
    expect(names).toContain("manifest.json");
    await dialog.getByRole("button", { name: "Close" }).last().click();
  });

  it("names the rows the server refused, and the input it could not read", async () => {
    await page.getByTestId("open-batch").click();
    const dialog = page.getByRole("dialog", { name: "Create a batch of cards" });
    await dialog.getByTestId("batch-new").click();
    // The second row has no quote, which the template requires.
    await dialog.getByTestId("batch-text").fill('quote,author\n"A fine quote",Ada\n,Nobody\n');
    await dialog.getByTestId("batch-submit").click();
    const issues = dialog.getByTestId("batch-row-issues");
    await issues.waitFor({ timeout: 30_000 });
    expect(await issues.textContent()).toMatch(/Row 2.*Quote/);
    await dialog.getByText("The batch failed").waitFor();
    await screenshot(page, "tasks-04-batch-rows-refused-light-en", { fullPage: false });

    // A header naming a column twice is refused before any task is made.
    await dialog.getByTestId("batch-new").click();
    await dialog.getByTestId("batch-text").fill("quote,quote\na,b\n");
    await dialog.getByTestId("batch-submit").click();
    const failure = dialog.getByTestId("batch-failure");
    await failure.waitFor();
    expect(await failure.textContent()).toContain('The header names "quote" twice');
    await screenshot(page, "tasks-05-batch-input-refused-light-en", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  let blocker: CreatedTask;
  let queuedId: string;

  it("shows a running batch's progress and a queued one's place, live", async () => {
    blocker = await createBatch(page, slowBatch("Blocker"));
    // Batches run one at a time: this one waits behind the blocker.
    await page.getByTestId("open-batch").click();
    const dialog = page.getByRole("dialog", { name: "Create a batch of cards" });
    await dialog.getByTestId("batch-text").fill(quotesCsv(12, "Queued behind"));
    const created = page.waitForResponse((response) => response.url().includes("generate.batch"));
    await dialog.getByTestId("batch-submit").click();
    const body = (await (await created).json()) as [
      { result: { data: { json: { task: { id: string } } } } },
    ];
    queuedId = body[0].result.data.json.task.id;
    await dialog.getByTestId("batch-queue").getByText("#1 in the queue").waitFor();
    await screenshot(page, "tasks-06-batch-queued-light-en", { fullPage: false });

    await dialog.getByTestId("batch-open-tasks").click();
    await page.waitForURL((url) => url.pathname === "/tasks");
    // Nothing below reloads the page: every change arrives over the live stream.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    const running = row(page, blocker.id);
    await running.getByRole("progressbar").waitFor();
    await page.waitForFunction(
      (id) =>
        Number(
          document
            .querySelector(`[data-task-id="${id}"] [role="progressbar"]`)
            ?.getAttribute("aria-valuenow"),
        ) > 0,
      blocker.id,
      { timeout: 30_000 },
    );
    expect(await running.textContent()).toMatch(/\d+ of 500 cards/);
    await row(page, queuedId).getByTestId("task-queue").getByText("#1 in the queue").waitFor();
    // The administrator's queue stats follow: one batch running, one waiting.
    await page.waitForFunction(() => {
      const values = [
        ...document.querySelectorAll('[data-testid="task-stats"] [data-kind="cards.batch"] dd'),
      ].map((cell) => cell.textContent);
      return values[0] === "1" && values[1] === "1";
    });
    await screenshot(page, "tasks-07-running-and-queued-light-en");
  });

  it("cancels the running batch, and the queued one then runs to the end", async () => {
    const running = row(page, blocker.id);
    await running.getByTestId("task-cancel").click();
    await page.locator(`[data-task-id="${blocker.id}"][data-status="canceled"]`).waitFor();
    await running.getByText("Canceled by you").waitFor();
    const next = page.locator(`[data-task-id="${queuedId}"][data-status="succeeded"]`);
    await next.waitFor({ timeout: 60_000 });
    expect(await next.textContent()).toContain("12 cards");
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );
    await screenshot(page, "tasks-08-canceled-and-done-light-en");

    const downloading = page.waitForEvent("download");
    await next.getByTestId("task-download").click();
    const zip = await downloaded(await downloading);
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  });

  it("retries a canceled batch, cancels it again and deletes it after asking", async () => {
    const blocked = row(page, blocker.id);
    await blocked.getByTestId("task-retry").click();
    await page.locator(`[data-task-id="${blocker.id}"][data-status="running"]`).waitFor({
      timeout: 30_000,
    });
    expect(await blocked.getByTestId("task-attempts").textContent()).toBe("attempt 2 of 3");
    await blocked.getByTestId("task-cancel").click();
    await page.locator(`[data-task-id="${blocker.id}"][data-status="canceled"]`).waitFor();

    // Another tab of the same user shows the task too, and loses it when this one deletes it.
    const other = await context.newPage();
    await other.goto("/tasks");
    await row(other, blocker.id).waitFor();

    await blocked.getByTestId("task-delete").click();
    await page.getByRole("heading", { name: "Delete this task?" }).waitFor();
    await screenshot(page, "tasks-09-delete-confirm-light-en", { fullPage: false });
    await page.getByTestId("delete-task-confirm").click();
    await blocked.waitFor({ state: "detached" });
    await page.getByText("Task deleted").first().waitFor();
    await row(other, blocker.id).waitFor({ state: "detached" });
    await other.close();
    // Its zip and log went with it.
    const gone = await page.request.get(`/api/tasks/${blocker.id}/files/cards.zip`);
    expect(gone.status()).toBe(404);
  });

  it("filters by status, kind and text, in the link", async () => {
    const rows = page.getByTestId("task-row");
    await page.getByTestId("status-failed").click();
    await page.waitForURL((url) => url.searchParams.get("status") === "failed");
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="task-row"]')].every(
        (element) => element.getAttribute("data-status") === "failed",
      ),
    );
    expect(await rows.count()).toBe(1);
    await page.getByTestId("status-all").click();

    await page.getByTestId("task-search").fill("Queued behind");
    await page.waitForURL((url) => url.searchParams.get("q") === "Queued behind");
    await page.waitForFunction((id) => {
      const shown = [...document.querySelectorAll('[data-testid="task-row"]')];
      return shown.length === 1 && shown[0]?.getAttribute("data-task-id") === id;
    }, queuedId);
    await page.getByTestId("task-search").fill("");

    await page.getByTestId("task-kind").selectOption("image.generate");
    await page.getByText("No tasks match").waitFor();
    await screenshot(page, "tasks-10-filtered-empty-light-en");
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.waitForURL((url) => url.search === "");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="task-row"]').length === 3,
    );
  });

  it("shows going offline, and what happened meanwhile once back, without reloading", async () => {
    await page.locator('[data-testid="tasks-connection"][data-status="online"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="tasks-connection"][data-status="offline"]').waitFor();
    await screenshot(page, "tasks-10a-offline-light-en", { fullPage: false });
    // Meanwhile, elsewhere (a script, another device), a batch is made and finishes.
    const response = await context.request.post("/trpc/generate.batch", {
      headers: { origin: host.url },
      data: { json: { batch: { templateId: "quote", csv: quotesCsv(2, "While offline") } } },
    });
    expect(response.status()).toBe(200);
    const { id } = (
      (await response.json()) as { result: { data: { json: { task: { id: string } } } } }
    ).result.data.json.task;
    await context.setOffline(false);
    // The stream resumes after the last event it saw: the new task shows up, finished.
    await page
      .locator(`[data-testid="task-row"][data-task-id="${id}"][data-status="succeeded"]`)
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="tasks-connection"][data-status="online"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );
  });

  it("says honestly that the AI image tab has no provider here", async () => {
    await page.getByTestId("nav-studio").click();
    await page.getByTestId("studio-tab-image").click();
    await page.waitForURL((url) => url.pathname === "/studio/image");
    await page.getByRole("heading", { name: "AI images", level: 1 }).waitFor();
    const notice = page.getByTestId("ai-provider-missing");
    await notice.waitFor();
    expect(await notice.textContent()).toContain(
      "No image provider is configured on this server. An administrator sets IMAGE_PROVIDER",
    );
    expect(await page.getByTestId("ai-generate").isDisabled()).toBe(true);
    expect(await page.getByTestId("ai-prompt").isDisabled()).toBe(true);
    await page.getByTestId("ai-gallery-empty").waitFor();
    await screenshot(page, "tasks-11-ai-not-configured-light-en");
  });

  it("looks right in the dark theme and in Chinese", async () => {
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "tasks-12-ai-not-configured-dark-en");
    await page.getByTestId("nav-tasks").click();
    await page.getByTestId("task-list").waitFor();
    await screenshot(page, "tasks-13-list-dark-en");
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "任务", level: 1 }).waitFor();
    await screenshot(page, "tasks-14-list-dark-zh");
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    await page.getByTestId("theme-toggle").click();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
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
      await mobile.goto("/tasks");
      await mobile.getByTestId("task-list").waitFor();
      await screenshot(mobile, "tasks-15-list-phone-light-en");
      expect(await overflow()).toBeLessThanOrEqual(0);
      await mobile.goto("/studio/image");
      await mobile.getByTestId("ai-provider-missing").waitFor();
      await screenshot(mobile, "tasks-16-ai-phone-light-en");
      expect(await overflow()).toBeLessThanOrEqual(0);
      await mobile.goto("/studio?batch=1");
      const dialog = mobile.getByRole("dialog", { name: "Create a batch of cards" });
      await dialog.getByTestId("batch-text").fill(quotesCsv(2, "Phone"));
      await screenshot(mobile, "tasks-17-batch-phone-light-en", { fullPage: false });
    } finally {
      await phone.close();
    }
  });

  it("had no unexpected errors in the page", () => {
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
