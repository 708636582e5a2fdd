import { startScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp, withFreshHost } from "./support/account";

/**
 * The AI chat in a real browser against a local OpenAI-compatible server that streams scripted
 * replies: a reply streaming into the page with its stats, a reload in the middle of a reply that
 * resumes without repeating a word, stop and continue, regenerate and edit as branches, search,
 * rename and delete, the context indicator, dark theme, Chinese and a phone; and, on a host with
 * no provider, the explanation instead of a chat.
 */

const account = {
  name: "Grace Hopper",
  email: `grace-${Date.now()}@example.com`,
  password: "compiler-a0-1952",
};

let server: ScriptedChatServer;
let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
/** The subscription requests of `aiChat.onReply` sent over the page's live socket, as sent. */
const replyStreams: string[] = [];
/** How many `[[answer]]` questions the stand-in has answered: each answer says its number. */
let answers = 0;
let firstConversation = "";

const words = (count: number, prefix = "w") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`).join(" ");

/** Console noise for requests the page cut short on purpose (the reload mid-reply). */
const expectedNoise = /ERR_ABORTED|net::ERR_NETWORK_CHANGED|EventSource/;

async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  await capture(target, name, options);
}

const replies = (target: Page) =>
  target.locator('[data-testid="chat-message"][data-role="assistant"]');
const lastReply = (target: Page) => replies(target).last();
const textOf = async (reply: Locator) =>
  (await reply.getByTestId("chat-reply-text").innerText()).trim();

/** Waits until the last reply is no longer being written, and returns its status. */
async function replyEnded(target: Page, timeout = 30_000): Promise<string> {
  const handle = await target.waitForFunction(
    () => {
      const all = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const status = all[all.length - 1]?.getAttribute("data-status");
      return status && status !== "streaming" ? status : null;
    },
    undefined,
    { timeout },
  );
  return String(await handle.jsonValue());
}

async function lastReplyContains(target: Page, text: string, timeout = 30_000) {
  await target.waitForFunction(
    (wanted) => {
      const all = document.querySelectorAll(
        '[data-testid="chat-message"][data-role="assistant"] [data-testid="chat-reply-text"]',
      );
      return (all[all.length - 1] as HTMLElement | undefined)?.innerText.includes(wanted) ?? false;
    },
    text,
    { timeout },
  );
}

/** Sends a message with Enter and waits for its reply to appear. */
async function send(target: Page, text: string) {
  const before = await replies(target).count();
  const input = target.getByTestId("chat-input");
  await input.fill(text);
  await input.press("Enter");
  await target.waitForFunction(
    (count) =>
      document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]').length >
      count,
    before,
  );
}

/** The id of the last reply shown. */
const lastReplyId = (target: Page) =>
  target.evaluate(() => {
    const all = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
    return all[all.length - 1]?.getAttribute("data-message-id") ?? null;
  });

/** Picks a model and waits for the server to have it. */
async function pickModel(target: Page, label: string) {
  const saved = target.waitForResponse(
    (response) => response.url().includes("aiChat.conversations.update") && response.ok(),
  );
  await target.getByTestId("chat-model").selectOption({ label });
  await saved;
}

/** The `lastEventId` an `aiChat.onReply` request resumed from, if any. */
function lastEventIdOf(request: string): string | null {
  return /"lastEventId":"(\d+)"/.exec(request)?.[1] ?? null;
}

beforeAll(async () => {
  // The paid API is the one thing these tests cannot run: a local OpenAI-compatible stand-in.
  server = await startScriptedChatServer({
    script: (request) => {
      const last = request.messages.at(-1);
      const naming = request.messages[0]?.content.startsWith("Write a title") ?? false;
      if (!naming && last?.role === "user" && last.content.includes("[[answer]]")) {
        answers += 1;
        return { tokens: ["Answer", " number", ` ${answers}`], tokenDelayMs: 30 };
      }
      return {};
    },
  });
  host = await startHost({
    AI_PROVIDERS: JSON.stringify([
      {
        id: "local",
        label: "Local test",
        baseUrl: server.url,
        models: [
          { id: "m1", contextWindow: 8192 },
          { id: "m2" },
          { id: "tiny", label: "Tiny (256 tokens)", contextWindow: 256 },
        ],
      },
    ]),
  });
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
  page = await context.newPage();
  pageErrors = watchErrors(page);
  page.on("websocket", (socket) => {
    socket.on("framesent", ({ payload }) => {
      const text = String(payload);
      if (text.includes('"aiChat.onReply"') && text.includes('"subscription"')) {
        replyStreams.push(text);
      }
    });
  });
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
  await server.close();
});

describe("AI chat without a provider", () => {
  it("explains that no provider is configured and how, and sends nothing", async () => {
    await withFreshHost(browser, account, async (target, errors) => {
      await target.getByTestId("nav-chat").click();
      await target.waitForURL((url) => url.pathname === "/chat");
      const panel = target.getByTestId("chat-no-provider");
      await panel.waitFor();
      expect(await panel.getByRole("heading").textContent()).toBe("No AI provider is configured");
      const text = await panel.innerText();
      expect(text).toContain("AI_PROVIDERS");
      expect(text).toContain(".env");
      // The server's own help is shown as it says it.
      expect(await target.getByTestId("chat-no-provider-help").textContent()).toContain(
        "No AI provider configured",
      );
      expect(await target.getByTestId("chat-input").isDisabled()).toBe(true);
      expect(await target.getByTestId("chat-send").isDisabled()).toBe(true);
      expect(await target.getByTestId("chat-model").count()).toBe(0);
      await screenshot(target, "chat-01-no-provider-light-en");
      expect(errors).toEqual([]);
    });
  });
});

describe("AI chat in a real browser, with a stand-in provider", () => {
  it("streams a reply into the page, ending with its stats, and lists the conversation", async () => {
    await signUp(page, account);
    await page.getByTestId("nav-chat").click();
    await page.waitForURL((url) => url.pathname === "/chat");
    await page.getByText("What would you like to talk about?").waitFor();
    expect(await page.getByTestId("chat-model").inputValue()).toContain("m1");
    await page.getByTestId("chat-context").waitFor();
    await screenshot(page, "chat-02-new-light-en");

    // Shift+Enter is a new line; Enter sends.
    const input = page.getByTestId("chat-input");
    await input.fill("Hello there");
    await input.press("Shift+Enter");
    await input.pressSequentially("How are you?");
    expect(await input.inputValue()).toBe("Hello there\nHow are you?");
    await input.press("Enter");

    await page.waitForURL((url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname));
    firstConversation = new URL(page.url()).pathname;
    await lastReplyContains(page, "How are you?");
    expect(await replyEnded(page)).toBe("completed");
    const reply = lastReply(page);
    expect(await textOf(reply)).toBe("You said: Hello there How are you?");
    const stats = reply.getByTestId("reply-stats");
    await stats.waitFor();
    const statsText = await stats.innerText();
    expect(statsText).toContain("m1");
    expect(statsText).toMatch(/\d+ tokens in · \d+ out/);
    expect(statsText).toMatch(/first token \d/);
    expect(statsText).toMatch(/total/);
    // Completed replies show no status badge.
    expect(await reply.getByTestId("reply-status").count()).toBe(0);
    expect(await page.getByTestId("chat-input").inputValue()).toBe("");

    await page
      .locator('[data-testid="chat-conversation"][data-active="true"]')
      .filter({ hasText: "Hello there" })
      .waitFor();
    expect(await page.getByTestId("chat-title").textContent()).toContain("Hello there");
    await screenshot(page, "chat-03-reply-light-en");
  });

  it("resumes a reply after a reload mid-stream without repeating any text", async () => {
    const expected = words(60);
    await send(page, "[[tokens=60 delay=120]] Count for me");
    await lastReplyContains(page, "w8");
    expect(await lastReply(page).getAttribute("data-status")).toBe("streaming");
    await page.getByTestId("chat-stop").waitFor();
    expect(await page.getByTestId("chat-input").isDisabled()).toBe(true);
    await screenshot(page, "chat-04-mid-stream-light-en");

    const before = replyStreams.length;
    await page.reload();
    // The saved text comes with the page; the rest streams in after it.
    const reply = lastReply(page);
    await reply.getByTestId("chat-reply-text").getByText(/w1 w2/).waitFor();
    const loaded = await textOf(reply);
    expect(await reply.getAttribute("data-status")).toBe("streaming");
    expect(expected.startsWith(loaded)).toBe(true);
    expect(loaded.length).toBeLessThan(expected.length);
    await screenshot(page, "chat-05-after-reload-mid-stream-light-en");

    // The stream asked to resume after the saved text, not from the start.
    const resumed = replyStreams.slice(before).map(lastEventIdOf);
    expect(resumed.length).toBeGreaterThan(0);
    const from = Number(resumed[0]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(expected.length);

    expect(await replyEnded(page)).toBe("completed");
    expect(await textOf(reply)).toBe(expected);
    // Still exactly once after the stored message replaces the streamed one.
    await page.waitForTimeout(500);
    expect(await textOf(lastReply(page))).toBe(expected);
  });

  it("stops a reply keeping its text, then continues it", async () => {
    await send(page, "[[tokens=200 delay=60]] Tell me a long story");
    await lastReplyContains(page, "w6");
    await page.getByTestId("chat-stop").click();
    expect(await replyEnded(page)).toBe("stopped");
    const reply = lastReply(page);
    const partial = await textOf(reply);
    expect(partial.startsWith("w1 w2 w3 w4 w5 w6")).toBe(true);
    expect(partial).not.toContain("w200");
    expect(await reply.getByTestId("reply-status").textContent()).toBe("Stopped");
    await page.waitForTimeout(600);
    expect(await textOf(reply)).toBe(partial);
    await page.getByTestId("chat-send").waitFor();
    await screenshot(page, "chat-06-stopped-light-en");

    await reply.getByTestId("reply-continue").click();
    await lastReplyContains(page, "continued5");
    expect(await replyEnded(page)).toBe("completed");
    expect(await textOf(lastReply(page))).toBe(`${partial} ${words(5, "continued")}`);
    expect(await lastReply(page).getByTestId("reply-continue").count()).toBe(0);
  });

  it("shows a reply that failed with the provider's error, and continues it", async () => {
    // The stand-in drops the connection after three words.
    await send(page, "[[tokens=10 fail=3]] Break halfway");
    expect(await replyEnded(page)).toBe("failed");
    const reply = lastReply(page);
    expect(await textOf(reply)).toBe("w1 w2 w3");
    expect(await reply.getByTestId("reply-status").textContent()).toBe("Failed");
    expect((await reply.getByTestId("reply-error").textContent())?.length).toBeGreaterThan(0);
    await screenshot(page, "chat-06b-failed-light-en");
    await reply.getByTestId("reply-continue").click();
    await lastReplyContains(page, "continued5");
    expect(await replyEnded(page)).toBe("completed");
    expect(await textOf(lastReply(page))).toBe(`w1 w2 w3 ${words(5, "continued")}`);
    expect(await lastReply(page).getByTestId("reply-error").count()).toBe(0);
  });

  it("regenerates a reply as a second version, and switches back to the first", async () => {
    await page.getByTestId("chat-new").click();
    await page.waitForURL((url) => url.pathname === "/chat");
    await page.getByText("What would you like to talk about?").waitFor();
    await send(page, "[[answer]] Which one?");
    await page.waitForURL((url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname));
    expect(await replyEnded(page)).toBe("completed");
    const first = await textOf(lastReply(page));
    expect(first).toMatch(/^Answer number \d+$/);
    const firstId = await lastReplyId(page);

    // The next version comes from another model.
    await pickModel(page, "m2");
    await lastReply(page).getByTestId("reply-regenerate").click();
    await page.waitForFunction((id) => {
      const all = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      return all[all.length - 1]?.getAttribute("data-message-id") !== id;
    }, firstId);
    expect(await replyEnded(page)).toBe("completed");
    const second = await textOf(lastReply(page));
    expect(second).toMatch(/^Answer number \d+$/);
    expect(second).not.toBe(first);
    expect(await lastReply(page).getByTestId("branch-position").textContent()).toBe("2/2");
    expect(await lastReply(page).getByTestId("reply-stats").innerText()).toContain("m2");
    await screenshot(page, "chat-07-regenerated-light-en");

    await lastReply(page).getByTestId("branch-previous").click();
    await page.waitForFunction((id) => {
      const all = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      return all[all.length - 1]?.getAttribute("data-message-id") === id;
    }, firstId);
    expect(await lastReply(page).getByTestId("branch-position").textContent()).toBe("1/2");
    expect(await textOf(lastReply(page))).toBe(first);
    expect(await lastReply(page).getByTestId("reply-stats").innerText()).toContain("m1");
    // The branch shown is remembered by the server.
    await page.reload();
    await lastReply(page).getByTestId("branch-position").waitFor();
    expect(await lastReply(page).getByTestId("branch-position").textContent()).toBe("1/2");
    expect(await textOf(lastReply(page))).toBe(first);
  });

  it("edits a message as a new branch beside the original", async () => {
    const user = page.locator('[data-testid="chat-message"][data-role="user"]').last();
    await user.getByTestId("message-edit").click();
    const editor = page.getByTestId("message-edit-input");
    expect(await editor.inputValue()).toBe("[[answer]] Which one?");
    await editor.fill("[[answer]] Which two?");
    const replyBefore = await lastReplyId(page);
    await page.getByTestId("message-edit-send").click();
    await page
      .locator('[data-testid="chat-message"][data-role="user"]')
      .filter({ hasText: "Which two?" })
      .waitFor();
    // The edited question's own reply, not the earlier branch's that shows until it arrives.
    await page.waitForFunction((id) => {
      const all = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const last = all[all.length - 1]?.getAttribute("data-message-id");
      return last !== undefined && last !== null && last !== id;
    }, replyBefore);
    expect(await replyEnded(page)).toBe("completed");
    const edited = page.locator('[data-testid="chat-message"][data-role="user"]').last();
    expect(await edited.getByTestId("branch-position").textContent()).toBe("2/2");
    const third = await textOf(lastReply(page));
    expect(third).toMatch(/^Answer number \d+$/);
    await screenshot(page, "chat-08-edited-light-en");

    // The original question is still there, one step back.
    await edited.getByTestId("branch-previous").click();
    await page
      .locator('[data-testid="chat-message"][data-role="user"]')
      .filter({ hasText: "Which one?" })
      .waitFor();
    expect(await textOf(lastReply(page))).not.toBe(third);
  });

  it("searches, renames and deletes conversations", async () => {
    const rows = page.getByTestId("chat-conversation");
    expect(await rows.count()).toBe(2);
    const search = page.getByTestId("chat-search");
    await search.fill("Which two");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-conversation"]').length === 1,
    );
    expect(await rows.first().innerText()).toContain("Which one?");
    await search.fill("Count for me");
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="chat-conversation"]').length === 1 &&
        document.querySelector('[data-testid="chat-conversation"]')?.textContent?.includes("Hello"),
    );
    await search.fill("nothing like this");
    await page.getByText("Nothing matches “nothing like this”").waitFor();
    await screenshot(page, "chat-09-search-empty-light-en");
    await search.fill("");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-conversation"]').length === 2,
    );

    // Rename in place.
    const second = rows.filter({ hasText: "Which one?" });
    await second.hover();
    await second.getByTestId("chat-rename").click();
    const field = page.getByTestId("chat-rename-input");
    await field.fill("Numbered answers");
    await field.press("Enter");
    await rows.filter({ hasText: "Numbered answers" }).waitFor();
    await page.getByTestId("chat-title").filter({ hasText: "Numbered answers" }).waitFor();

    // Delete, after asking.
    const renamed = rows.filter({ hasText: "Numbered answers" });
    await renamed.hover();
    await renamed.getByTestId("chat-delete").click();
    await page.getByRole("heading", { name: "Delete this conversation?" }).waitFor();
    await screenshot(page, "chat-10-delete-confirm-light-en", { fullPage: false });
    await page.getByTestId("chat-delete-confirm").click();
    await page.getByText("Conversation deleted").waitFor();
    await page.waitForURL((url) => url.pathname === "/chat");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="chat-conversation"]').length === 1,
    );
    expect(await rows.first().innerText()).toContain("Hello there");
  });

  it("says how much context the next reply gets, and what is left out", async () => {
    await page.getByTestId("chat-conversation-link").first().click();
    await page.waitForURL((url) => url.pathname === firstConversation);
    await lastReply(page).waitFor();
    const tokens = page.getByTestId("chat-context-tokens");
    await tokens.filter({ hasText: "/ 8,192 tokens" }).waitFor();
    const empty = Number((await tokens.innerText()).split(" / ")[0]?.replace(/,/g, ""));
    await page.getByTestId("chat-input").fill(`Some more words ${words(40, "x")}`);
    await page.waitForFunction((count) => {
      const text = document.querySelector('[data-testid="chat-context-tokens"]')?.textContent;
      return Number(text?.split(" / ")[0]?.replace(/,/g, "")) > count;
    }, empty);
    expect(await page.getByTestId("chat-context-dropped").count()).toBe(0);

    // A model with a small window leaves the older messages out.
    await pickModel(page, "Tiny (256 tokens)");
    await page.getByTestId("chat-context-dropped").waitFor();
    expect(await page.getByTestId("chat-context-dropped").innerText()).toMatch(
      /^\d+ older messages? left out$/,
    );
    expect(await page.getByTestId("chat-context-tokens").innerText()).toContain("/ 256 tokens");
    await screenshot(page, "chat-11-context-dropped-light-en");
    await pickModel(page, "m1");
    await tokens.filter({ hasText: "/ 8,192 tokens" }).waitFor();
    await page.getByTestId("chat-input").fill("");
  });

  it("reads well in dark theme, in Chinese and on a phone", async () => {
    await page.getByTestId("chat-system-prompt-toggle").click();
    await page.getByTestId("chat-system-prompt-input").fill("Answer like a ship's log.");
    await page.getByTestId("chat-system-prompt-save").click();
    await page.getByTestId("chat-system-prompt-save").and(page.locator(":disabled")).waitFor();

    await page.getByTestId("theme-toggle").click();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
      true,
    );
    await screenshot(page, "chat-12-conversation-dark-en");
    await page.getByTestId("chat-system-prompt-toggle").click();

    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("link", { name: "新对话" }).waitFor();
    await page.getByText("重新生成").first().waitFor();
    await screenshot(page, "chat-13-conversation-dark-zh");
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "chat-14-conversation-light-zh");

    const phone = await newContext(browser, host.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      storageState: await context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      const mobileErrors = watchErrors(mobile);
      await mobile.goto(firstConversation);
      await lastReply(mobile).waitFor();
      // The list is folded above the conversation until asked for.
      expect(await mobile.getByTestId("chat-search").isVisible()).toBe(false);
      await screenshot(mobile, "chat-15-conversation-phone-light-zh", { fullPage: false });
      // From the top: the folded list above the conversation.
      await mobile.evaluate(() => window.scrollTo(0, 0));
      await screenshot(mobile, "chat-16-conversation-top-phone-light-zh", { fullPage: false });
      await mobile.getByTestId("chat-list-toggle").click();
      await mobile.getByTestId("chat-search").waitFor();
      await mobile.evaluate(() => window.scrollTo(0, 0));
      await screenshot(mobile, "chat-17-list-phone-light-zh", { fullPage: false });
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(mobileErrors).toEqual([]);
    } finally {
      await phone.close();
    }

    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
