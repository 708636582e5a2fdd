import { startScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp, withFreshHost } from "./support/account";

/**
 * The article assistant in a real browser, with a local OpenAI-compatible stand-in for the model:
 * a summary accepted into the summary field as a new revision, a title picked from suggestions,
 * a selected passage rewritten, a continuation rejected, a question answered as it streams, and
 * a proposal accepted while the editor has unsaved changes (merged by the next save); dark
 * theme and Chinese; and, without a provider, the explanation instead of the buttons.
 */

const account = {
  name: "Ada Lovelace",
  email: `ada-assistant-${Date.now()}@example.com`,
  password: "analytical-engine-1843",
};

const PASSAGE = "It has a mill and a store.";
const BODY = [
  "## The engine",
  "",
  "The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers.",
  "",
  PASSAGE,
  "",
].join("\n");
const REWRITE = "Its mill computes; its store remembers.";
const CONTINUATION = "Lovelace saw further than its makers.";
const ANSWER = "The article compares the engine to a loom, one step at a time.";
const summary = (n: number) => `Summary ${n}: the engine weaves numbers as a loom weaves flowers.`;

let server: ScriptedChatServer;
let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let summaries = 0;

/** Word by word, as a model streams. */
const words = (text: string) => text.split(/(?= )/);

async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

/** A new article with a title and the body above, saved. */
async function newArticle(target: Page) {
  await target.goto("/articles");
  await target.getByTestId("article-new").click();
  await target.waitForURL((url) => /^\/articles\/[0-9a-f-]{36}$/.test(url.pathname));
  await target.getByTestId("article-title").fill("Notes on the Analytical Engine");
  await target.getByTestId("article-body").fill(BODY);
  await saved(target);
}

const saved = (target: Page) =>
  target
    .getByTestId("article-save-status")
    .filter({ hasText: /Saved|All changes saved/ })
    .waitFor();

const replies = (target: Page) =>
  target.locator('[data-testid="assistant-message"][data-role="assistant"]');

/** The last reply, once it is written. */
async function finishedReply(target: Page, proposal?: string) {
  const reply = replies(target).last();
  await target.waitForFunction((action) => {
    const all = document.querySelectorAll(
      '[data-testid="assistant-message"][data-role="assistant"]',
    );
    const last = all[all.length - 1];
    if (!last || last.getAttribute("data-status") !== "completed") return false;
    return action === null || last.getAttribute("data-proposal") === action;
  }, proposal ?? null);
  return reply;
}

const fieldValue = (target: Page, testId: string) => target.getByTestId(testId).inputValue();

async function waitForValue(target: Page, testId: string, wanted: string) {
  await target.waitForFunction(
    ([id, value]) =>
      document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-testid="${id}"]`)
        ?.value === value,
    [testId, wanted] as const,
    { timeout: 15_000 },
  );
}

/** How many revisions the History panel lists (opened and closed again around the count). */
async function revisionCount(target: Page): Promise<number> {
  await target.getByTestId("article-history").click();
  await target.getByTestId("revision").first().waitFor();
  // Let a refetch after the last change land.
  await target.waitForTimeout(400);
  const count = await target.getByTestId("revision").count();
  return count;
}

async function openAssistant(target: Page) {
  await target.getByTestId("article-assistant-toggle").click();
  await target.getByTestId("article-assistant").waitFor();
}

beforeAll(async () => {
  server = await startScriptedChatServer({
    script: (request) => {
      const last = request.messages.at(-1)?.content ?? "";
      if (last.startsWith("Write a summary")) {
        summaries += 1;
        return { tokens: words(summary(summaries)), tokenDelayMs: 40 };
      }
      if (last.startsWith("Suggest five titles")) {
        return {
          tokens: [
            "The Engine That Weaves\n",
            "1. Numbers on a Loom\n",
            '- "Mill and Store"\n',
            "Algebra in Thread\n",
            "A Loom for Numbers",
          ],
          tokenDelayMs: 40,
        };
      }
      if (last.startsWith("Rewrite this passage"))
        return { tokens: words(REWRITE), tokenDelayMs: 30 };
      if (last.startsWith("Continue writing")) {
        return { tokens: words(CONTINUATION), tokenDelayMs: 30 };
      }
      // A question about the article: slowly, to be seen arriving.
      return { tokens: words(ANSWER), tokenDelayMs: 150 };
    },
  });
  host = await startHost({
    AI_PROVIDERS: JSON.stringify([
      {
        id: "local",
        label: "Local test",
        baseUrl: server.url,
        models: [{ id: "m1", contextWindow: 8192 }],
      },
    ]),
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
  await server.close();
});

describe("article assistant without a provider", () => {
  it("explains that no provider is configured instead of offering its buttons", async () => {
    await withFreshHost(browser, account, async (target, errors) => {
      await newArticle(target);
      await openAssistant(target);
      const panel = target.getByTestId("article-assistant").getByTestId("chat-no-provider");
      await panel.waitFor();
      expect(await panel.getByRole("heading").textContent()).toBe("No AI provider is configured");
      expect(await panel.innerText()).toContain("AI_PROVIDERS");
      expect(await target.getByTestId("assistant-summarise").count()).toBe(0);
      expect(await target.getByTestId("assistant-input").count()).toBe(0);
      await screenshot(target, "assistant-01-no-provider-light-en");
      expect(errors).toEqual([]);
    });
  });
});

describe("article assistant in a real browser, with a stand-in provider", () => {
  let revisions = 0;

  it("opens beside the editor, next to History, with nothing asked yet", async () => {
    await signUp(page, account);
    await newArticle(page);
    revisions = await revisionCount(page);
    // One side panel at a time: the assistant takes History's place.
    await openAssistant(page);
    expect(await page.getByTestId("revisions-panel").count()).toBe(0);
    await page.getByTestId("assistant-empty").waitFor();
    expect(await page.getByTestId("assistant-rewrite").isDisabled()).toBe(true);
    expect(await page.getByTestId("assistant-selection").textContent()).toBe(
      "Select a passage of the text to rewrite it.",
    );
    await screenshot(page, "assistant-02-open-light-en");
  });

  it("summarises, and an accepted summary fills the summary field as a new revision", async () => {
    await page.getByTestId("assistant-summarise").click();
    const reply = await finishedReply(page, "summarise");
    expect(await reply.getByTestId("assistant-reply-text").innerText()).toBe(summary(1));
    expect(await reply.getAttribute("data-state")).toBe("pending");
    // The request shows as what was asked, not the instruction sent to the model.
    expect(
      await page
        .locator('[data-testid="assistant-message"][data-role="user"]')
        .last()
        .textContent(),
    ).toBe("Summarise the article");
    await screenshot(page, "assistant-03-summary-proposed-light-en");

    await reply.getByTestId("proposal-accept").click();
    await reply
      .getByTestId("proposal-state")
      .filter({ hasText: /Applied as version \d+/ })
      .waitFor();
    await waitForValue(page, "article-excerpt", summary(1));
    expect(await page.getByTestId("article-changed-elsewhere").count()).toBe(0);
    await screenshot(page, "assistant-04-summary-accepted-light-en");

    expect(await revisionCount(page)).toBe(revisions + 1);
    const newest = page.getByTestId("revision").first();
    expect(await newest.textContent()).toContain("Summary");
    revisions += 1;
    await openAssistant(page);
    // The conversation is still there, decided.
    await page.getByTestId("proposal-state").first().waitFor();
  });

  it("suggests titles, one button each, and the one picked becomes the title", async () => {
    await page.getByTestId("assistant-titles").click();
    const reply = await finishedReply(page, "titles");
    const options = reply.getByTestId("proposal-title");
    expect(await options.allInnerTexts()).toEqual([
      "The Engine That Weaves",
      "Numbers on a Loom",
      "Mill and Store",
      "Algebra in Thread",
      "A Loom for Numbers",
    ]);
    await screenshot(page, "assistant-05-titles-light-en");
    await options.filter({ hasText: "Mill and Store" }).click();
    await reply
      .getByTestId("proposal-state")
      .filter({ hasText: /Applied as version/ })
      .waitFor();
    await waitForValue(page, "article-title", "Mill and Store");
    expect(await reply.getByTestId("proposal-title").count()).toBe(0);
    revisions += 1;
  });

  it("rewrites a passage selected in the text, with an instruction, and the body takes it", async () => {
    const body = page.getByTestId("article-body");
    const start = (await body.inputValue()).indexOf(PASSAGE);
    expect(start).toBeGreaterThan(0);
    await body.evaluate(
      (element, [from, to]) => {
        const area = element as HTMLTextAreaElement;
        area.focus();
        area.setSelectionRange(from, to);
      },
      [start, start + PASSAGE.length] as const,
    );
    // A key press lets the page read the selection, as after selecting with the keyboard.
    await body.press("Shift");
    await page
      .getByTestId("assistant-selection")
      .filter({ hasText: `${PASSAGE.length} characters selected` })
      .waitFor();
    await page.getByTestId("assistant-instruction").fill("shorter");
    const before = server.requests.length;
    await page.getByTestId("assistant-rewrite").click();
    const reply = await finishedReply(page, "rewrite");
    const asked = server.requests
      .slice(before)
      .map((request) => request.messages.at(-1)?.content ?? "")
      .find((content) => content.startsWith("Rewrite this passage"));
    expect(asked).toContain("(shorter)");
    expect(asked?.endsWith(PASSAGE)).toBe(true);
    expect(await reply.innerText()).toContain(PASSAGE);
    await screenshot(page, "assistant-06-rewrite-proposed-light-en");

    await reply.getByTestId("proposal-accept").click();
    await reply
      .getByTestId("proposal-state")
      .filter({ hasText: /Applied as version/ })
      .waitFor();
    await waitForValue(page, "article-body", BODY.replace(PASSAGE, REWRITE));
    // The selection was in the text before the rewrite: it is gone with it.
    expect(await page.getByTestId("assistant-selection").textContent()).toBe(
      "Select a passage of the text to rewrite it.",
    );
    expect(await page.getByTestId("assistant-rewrite").isDisabled()).toBe(true);
    revisions += 1;
  });

  it("continues the text, and a rejected continuation leaves the body alone", async () => {
    const body = await fieldValue(page, "article-body");
    await page.getByTestId("assistant-continue").click();
    const reply = await finishedReply(page, "continue");
    expect(await reply.getByTestId("assistant-reply-text").innerText()).toBe(CONTINUATION);
    await reply.getByTestId("proposal-reject").click();
    await reply.getByTestId("proposal-state").filter({ hasText: "Rejected" }).waitFor();
    expect(await reply.getAttribute("data-state")).toBe("rejected");
    await page.waitForTimeout(500);
    expect(await fieldValue(page, "article-body")).toBe(body);
    expect(await revisionCount(page)).toBe(revisions);
    await openAssistant(page);
  });

  it("answers a question about the article as it is written", async () => {
    const before = server.requests.length;
    const input = page.getByTestId("assistant-input");
    await input.fill("What is this article about?");
    await input.press("Enter");
    // Part of the answer is there while the rest is still being written.
    await page.waitForFunction(() => {
      const all = document.querySelectorAll(
        '[data-testid="assistant-message"][data-role="assistant"]',
      );
      const last = all[all.length - 1];
      return (
        last?.getAttribute("data-status") === "streaming" &&
        (last.textContent ?? "").includes("compares")
      );
    });
    await page.getByTestId("assistant-stop").waitFor();
    expect(await input.isDisabled()).toBe(true);
    expect(await page.getByTestId("assistant-summarise").isDisabled()).toBe(true);
    await screenshot(page, "assistant-07-answer-streaming-light-en");
    const reply = await finishedReply(page);
    expect(await reply.getByTestId("assistant-reply-text").innerText()).toBe(ANSWER);
    expect(await reply.getAttribute("data-proposal")).toBeNull();
    expect(await input.inputValue()).toBe("");
    expect(
      await page
        .locator('[data-testid="assistant-message"][data-role="user"]')
        .last()
        .textContent(),
    ).toBe("What is this article about?");
    // The model read the article as it is now.
    const asked = server.requests
      .slice(before)
      .find((request) => request.messages.at(-1)?.content === "What is this article about?");
    expect(asked?.messages[0]?.content).toContain("Title: Mill and Store");
    expect(asked?.messages[0]?.content).toContain(REWRITE);
  });

  it("accepts a proposal while the editor has unsaved changes, and the next save merges both", async () => {
    await page.getByTestId("assistant-summarise").click();
    const reply = await finishedReply(page, "summarise");
    // Typed just before accepting: not saved yet.
    await page.getByTestId("article-title").fill("A title typed meanwhile");
    await reply.getByTestId("proposal-accept").click();
    await reply
      .getByTestId("proposal-state")
      .filter({ hasText: /Applied as version/ })
      .waitFor();
    // The autosave, based on the version before the proposal, is merged with it on the server.
    await page
      .getByTestId("article-save-status")
      .filter({ hasText: "merged with changes from elsewhere" })
      .waitFor({ timeout: 15_000 });
    await waitForValue(page, "article-excerpt", summary(2));
    expect(await fieldValue(page, "article-title")).toBe("A title typed meanwhile");
    await screenshot(page, "assistant-08-merged-light-en");
    // And the server has both.
    await page.reload();
    await waitForValue(page, "article-excerpt", summary(2));
    expect(await fieldValue(page, "article-title")).toBe("A title typed meanwhile");
  });

  it("reads well in dark theme and in Chinese", async () => {
    await openAssistant(page);
    await finishedReply(page);
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "assistant-09-dark-en");
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByText("已应用为版本").first().waitFor();
    await screenshot(page, "assistant-10-dark-zh");
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "assistant-11-light-zh");
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    expect(pageErrors).toEqual([]);
  });
});
