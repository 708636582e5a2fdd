import { startScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { ScriptedChatServer } from "@genflow/core/ai-chat/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot as capture, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp, withFreshHost } from "./support/account";

/**
 * The prompt generator in a real browser, with a local OpenAI-compatible stand-in for the model:
 * a brief composed into a prompt as it is typed, the model's refinement streamed into the page
 * and used, the library (save, a new version, an older version, search, load, delete), and a
 * saved prompt with its variables filled in starting a chat as its system prompt; dark theme,
 * Chinese and a phone; and, without a provider, refining explained instead of offered.
 */

const account = {
  name: "Margaret Hamilton",
  email: `margaret-${Date.now()}@example.com`,
  password: "apollo-guidance-1969",
};

/** What the stand-in answers when asked to improve a prompt: a prompt with two variables. */
const REFINED = [
  "You are a meticulous travel planner for trips to {{city}}.",
  "",
  "## Goal",
  "Plan trips that fit the traveller's budget and pace.",
  "",
  "## Rules",
  "- Give every price in {{currency}}.",
  "- Name each place you recommend.",
].join("\n");

let server: ScriptedChatServer;
let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let tripUrl = "";

async function screenshot(target: Page, name: string, options?: { fullPage?: boolean }) {
  if (options?.fullPage !== false) await target.evaluate(() => window.scrollTo(0, 0));
  await capture(target, name, options);
}

/** Waits until the prompt box holds text that contains `wanted`. */
async function promptContains(target: Page, wanted: string) {
  await target.waitForFunction(
    (text) =>
      document
        .querySelector<HTMLTextAreaElement>('[data-testid="prompt-text"]')
        ?.value.includes(text) ?? false,
    wanted,
  );
}

const promptText = (target: Page) => target.getByTestId("prompt-text").inputValue();
const rowNames = (target: Page) =>
  target.getByTestId("prompt-row-name").evaluateAll((rows) => rows.map((row) => row.textContent));

beforeAll(async () => {
  server = await startScriptedChatServer({
    script: (request) => {
      const first = request.messages[0]?.content ?? "";
      const last = request.messages.at(-1);
      // A new conversation is named by the model after its first reply.
      if (first.startsWith("Write a title")) return { tokens: ["Trip", " planner", " prompt"] };
      if (last?.role === "user" && last.content.startsWith("Improve this system prompt")) {
        // Word by word, slowly enough to watch it arrive.
        return { tokens: REFINED.split(/(?=[ \n])/), tokenDelayMs: 45 };
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
        models: [{ id: "m1", contextWindow: 8192 }, { id: "m2" }],
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

describe("prompt generator without a provider", () => {
  it("composes prompts, and explains why refining is off instead of offering it", async () => {
    await withFreshHost(browser, account, async (target, errors) => {
      await target.getByTestId("nav-prompts").click();
      await target.waitForURL((url) => url.pathname === "/prompts");
      await target.getByTestId("prompt-brief-role").fill("a patient maths tutor");
      await promptContains(target, "You are a patient maths tutor.");
      expect(await target.getByTestId("prompt-refine-start").isDisabled()).toBe(true);
      expect(await target.getByTestId("prompt-refine-unavailable").innerText()).toContain(
        "no AI provider is configured",
      );
      await screenshot(target, "prompts-01-no-provider-light-en");
      expect(errors).toEqual([]);
    });
  });
});

describe("prompt generator in a real browser, with a stand-in provider", () => {
  it("composes a prompt from a brief as it is typed, saying what is missing while it is empty", async () => {
    await signUp(page, account);
    await page.getByTestId("nav-prompts").click();
    await page.waitForURL((url) => url.pathname === "/prompts");
    // An empty brief: the server's rule, said before anything is sent.
    await page
      .getByTestId("prompt-compose-notice")
      .filter({ hasText: "Describe at least the role or the goal" })
      .waitFor();
    expect(await promptText(page)).toBe("");
    expect(await page.getByTestId("prompt-save").isDisabled()).toBe(true);
    await page.getByText("No saved prompts yet").waitFor();
    await screenshot(page, "prompts-02-empty-light-en");

    await page.getByTestId("prompt-brief-goal").fill("Plan trips to {{city}} that fit the budget.");
    // Without a role the assistant is a helpful one.
    await promptContains(page, "You are a helpful assistant.\n\n## Goal\nPlan trips to {{city}}");
    await page.getByTestId("prompt-brief-role").fill("a travel planner");
    await page.getByTestId("prompt-brief-audience").fill("first-time visitors");
    await page.getByTestId("prompt-brief-tone").fill("warm");
    await page.getByTestId("prompt-brief-format").fill("A day-by-day Markdown list");
    // Rules: added, and one removed again.
    await page.getByTestId("prompt-rule-add").click();
    await page.getByTestId("prompt-rule-input").nth(0).fill("Give prices in euros");
    await page.getByTestId("prompt-rule-add").click();
    await page.getByTestId("prompt-rule-input").nth(1).fill("Mention the weather");
    await page.getByTestId("prompt-rule-add").click();
    await page.getByTestId("prompt-rule-input").nth(2).fill("Never book anything");
    await page.getByTestId("prompt-rule-remove").nth(1).click();
    expect(await page.getByTestId("prompt-rule").count()).toBe(2);
    // An example, written one side at a time.
    await page.getByTestId("prompt-example-add").click();
    await page.getByTestId("prompt-example-input").fill("Two days in Lisbon?");
    await page.getByTestId("prompt-example-incomplete").waitFor();
    await page.getByTestId("prompt-example-output").fill("Day 1: Alfama. Day 2: Belém.");
    await page.getByTestId("prompt-example-incomplete").waitFor({ state: "detached" });

    await promptContains(page, "### Example 1");
    const text = await promptText(page);
    expect(text).toBe(
      [
        "You are a travel planner.",
        "## Goal\nPlan trips to {{city}} that fit the budget.",
        "## Audience\nYou are talking to first-time visitors. Adjust vocabulary, depth and examples to them.",
        "## Rules\n- Give prices in euros\n- Never book anything",
        "## Tone\nWrite in a warm tone.",
        "## Output format\nA day-by-day Markdown list",
        "## Examples\n### Example 1\nInput:\nTwo days in Lisbon?\n\nOutput:\nDay 1: Alfama. Day 2: Belém.",
      ].join("\n\n"),
    );
    expect(await page.getByTestId("prompt-source").getAttribute("data-source")).toBe("composed");
    expect(await page.getByTestId("prompt-variable").allTextContents()).toEqual(["{{city}}"]);
    await screenshot(page, "prompts-03-composed-light-en");

    // The text can be edited; the brief then no longer rewrites it, until asked to.
    await page.getByTestId("prompt-text").fill(`${text}\n\nAlways answer in {{language}}.`);
    expect(await page.getByTestId("prompt-source").getAttribute("data-source")).toBe("edited");
    expect(await page.getByTestId("prompt-variable").allTextContents()).toEqual([
      "{{city}}",
      "{{language}}",
    ]);
    await page.getByTestId("prompt-brief-tone").fill("cheerful");
    await page.getByTestId("prompt-recompose").waitFor();
    expect(await promptText(page)).toContain("Always answer in {{language}}.");
    await page.getByTestId("prompt-recompose").click();
    await promptContains(page, "Write in a cheerful tone.");
    expect(await promptText(page)).not.toContain("{{language}}");
  });

  it("refines the prompt with the model, streaming it in, and uses the refined text", async () => {
    const before = server.requests.length;
    await page.getByTestId("prompt-refine-start").click();
    const panel = page.getByTestId("prompt-refined");
    // Part of the answer is there while the rest is still being written.
    await panel.getByText("meticulous travel planner").waitFor();
    expect(await panel.getAttribute("data-status")).toBe("streaming");
    expect(await page.getByTestId("prompt-refine-use").isDisabled()).toBe(true);
    await page.getByTestId("prompt-refine-stop").waitFor();
    await screenshot(page, "prompts-04-refining-light-en");
    await page.locator('[data-testid="prompt-refined"][data-status="completed"]').waitFor();
    expect(await panel.innerText()).toContain("Name each place you recommend.");

    // The model was asked to improve exactly the prompt in the box.
    const asked = server.requests
      .slice(before)
      .find((request) => request.messages.at(-1)?.content.startsWith("Improve this system prompt"));
    expect(asked?.messages.at(-1)?.content).toContain("Write in a cheerful tone.");
    expect(asked?.messages[0]?.role).toBe("system");

    await page.getByTestId("prompt-refine-use").click();
    await promptContains(page, "meticulous travel planner");
    expect(await promptText(page)).toBe(REFINED);
    expect(await page.getByTestId("prompt-source").getAttribute("data-source")).toBe("edited");
    expect(await page.getByTestId("prompt-variable").allTextContents()).toEqual([
      "{{city}}",
      "{{currency}}",
    ]);
    // The refinement is a conversation of its own, to go on with in the chat.
    expect(await page.getByTestId("prompt-refine-open").getAttribute("href")).toMatch(
      /^\/chat\/[0-9a-f-]{36}$/,
    );
    await screenshot(page, "prompts-05-refined-light-en");
  });

  it("saves the prompt to the library, then a new version, and shows an older one", async () => {
    await page.getByTestId("prompt-name").fill("Trip planner");
    await page.getByTestId("prompt-save").click();
    await page.getByText("Prompt saved").waitFor();
    await page.waitForURL((url) => /^\/prompts\/[0-9a-f-]{36}$/.test(url.pathname));
    tripUrl = new URL(page.url()).pathname;
    // The address changes first; the list marks the row once the page has followed it.
    const row = page
      .locator('[data-testid="prompt-row"][data-active="true"]')
      .filter({ hasText: "Trip planner" });
    await row.waitFor();
    expect(await row.innerText()).toContain("2 variables");
    await page.locator('[data-testid="prompt-version"][data-version="1"]').waitFor();
    expect(await promptText(page)).toBe(REFINED);

    // Saving an unchanged text makes no version; a changed one does.
    await page.getByTestId("prompt-save").click();
    await page.getByText("The text is unchanged, so there is no new version.").waitFor();
    await page.getByTestId("prompt-text").fill(`${REFINED}\n- Suggest one free activity a day.`);
    await page.getByTestId("prompt-unsaved").waitFor();
    await page.getByTestId("prompt-save").click();
    await page.getByText("Saved as version 2").waitFor();
    await page.locator('[data-testid="prompt-version"][data-version="2"]').waitFor();
    expect(await page.getByTestId("prompt-version").allTextContents()).toEqual([
      "v2 · latest",
      "v1",
    ]);
    expect(await page.getByTestId("prompt-unsaved").count()).toBe(0);
    expect(await page.getByTestId("prompt-row").count()).toBe(1);

    await page.locator('[data-testid="prompt-version"][data-version="1"]').click();
    const older = page.getByTestId("prompt-version-text");
    await older.waitFor();
    expect(await older.textContent()).toBe(REFINED);
    expect(await page.getByTestId("prompt-save").isDisabled()).toBe(true);
    await screenshot(page, "prompts-06-older-version-light-en");
    await page.getByTestId("prompt-version-latest").click();
    await promptContains(page, "Suggest one free activity a day.");
  });

  it("finds saved prompts by name, and loads one with its brief", async () => {
    await page.getByTestId("prompt-new").click();
    await page.waitForURL((url) => url.pathname === "/prompts");
    await page
      .getByTestId("prompt-compose-notice")
      .filter({ hasText: "Describe at least the role or the goal" })
      .waitFor();
    expect(await page.getByTestId("prompt-brief-role").inputValue()).toBe("");
    await page.getByTestId("prompt-brief-role").fill("a strict code reviewer");
    await promptContains(page, "You are a strict code reviewer.");
    await page.getByTestId("prompt-name").fill("Code reviewer");
    await page.getByTestId("prompt-save").click();
    await page.waitForURL((url) => /^\/prompts\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByTestId("prompt-row").filter({ hasText: "Code reviewer" }).waitFor();
    expect(await rowNames(page)).toEqual(["Code reviewer", "Trip planner"]);

    const search = page.getByTestId("prompt-search");
    await search.fill("trip");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="prompt-row"]').length === 1,
    );
    expect(await rowNames(page)).toEqual(["Trip planner"]);
    await search.fill("nothing like this");
    await page.getByText("Nothing matches “nothing like this”").waitFor();
    await search.fill("");
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="prompt-row"]').length === 2,
    );

    // Loading a saved prompt brings its brief back into the form, and its newest text.
    await page.getByTestId("prompt-link").filter({ hasText: "Trip planner" }).click();
    await page.waitForURL((url) => url.pathname === tripUrl);
    await promptContains(page, "Suggest one free activity a day.");
    expect(await page.getByTestId("prompt-brief-role").inputValue()).toBe("a travel planner");
    expect(await page.getByTestId("prompt-brief-tone").inputValue()).toBe("cheerful");
    expect(await page.getByTestId("prompt-rule-input").nth(1).inputValue()).toBe(
      "Never book anything",
    );
    expect(await page.getByTestId("prompt-name").inputValue()).toBe("Trip planner");
    // And a reload keeps it open.
    await page.reload();
    await promptContains(page, "Suggest one free activity a day.");
    expect(await page.getByTestId("prompt-brief-role").inputValue()).toBe("a travel planner");
  });

  it("fills in the variables and starts a chat with the prompt as its system prompt", async () => {
    await page.getByTestId("prompt-use-in-chat").click();
    await page.getByRole("heading", { name: "Start a chat with this prompt" }).waitFor();
    const values = page.getByTestId("prompt-variable-value");
    expect(await values.evaluateAll((fields) => fields.map((f) => f.dataset["variable"]))).toEqual([
      "city",
      "currency",
    ]);
    const start = page.getByTestId("prompt-use-in-chat-start");
    expect(await start.isDisabled()).toBe(true);
    await values.nth(0).fill("Kyoto");
    await values.nth(1).fill("yen");
    await screenshot(page, "prompts-07-use-in-chat-light-en", { fullPage: false });
    await start.click();

    await page.waitForURL((url) => url.pathname === "/chat");
    const expected = `${REFINED}\n- Suggest one free activity a day.`
      .replace("{{city}}", "Kyoto")
      .replace("{{currency}}", "yen");
    // The new chat opens with the system prompt shown, and takes it only once.
    const field = page.getByTestId("chat-system-prompt-input");
    await field.waitFor();
    expect(await field.inputValue()).toBe(expected);
    expect(
      await page.evaluate(() => sessionStorage.getItem("genflow.chat.pendingSystemPrompt")),
    ).toBeNull();
    await screenshot(page, "prompts-08-chat-with-prompt-light-en");

    const before = server.requests.length;
    await page.getByTestId("chat-input").fill("Plan my first day");
    await page.getByTestId("chat-input").press("Enter");
    await page.waitForURL((url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname));
    await page
      .locator('[data-testid="chat-message"][data-role="assistant"][data-status="completed"]')
      .waitFor();
    const first = server.requests
      .slice(before)
      .find((request) => request.messages.at(-1)?.content === "Plan my first day");
    expect(first?.messages[0]?.role).toBe("system");
    expect(first?.messages[0]?.content).toBe(expected);

    // A new chat after that starts without it.
    await page.getByTestId("chat-new").click();
    await page.waitForURL((url) => url.pathname === "/chat");
    await page.getByTestId("chat-system-prompt-toggle").click();
    expect(await page.getByTestId("chat-system-prompt-input").inputValue()).toBe("");
  });

  it("deletes a saved prompt after asking", async () => {
    await page.getByTestId("nav-prompts").click();
    await page.waitForURL((url) => url.pathname === "/prompts");
    const row = page.getByTestId("prompt-row").filter({ hasText: "Code reviewer" });
    await row.hover();
    await row.getByTestId("prompt-row-delete").click();
    await page.getByRole("heading", { name: "Delete this prompt?" }).waitFor();
    await screenshot(page, "prompts-09-delete-confirm-light-en", { fullPage: false });
    await page.getByTestId("prompt-delete-confirm").click();
    await page.getByText("Prompt deleted").waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="prompt-row"]').length === 1,
    );
    expect(await rowNames(page)).toEqual(["Trip planner"]);

    // The open prompt, from its own page: back to a new one.
    await page.getByTestId("prompt-link").click();
    await page.waitForURL((url) => url.pathname === tripUrl);
    await promptContains(page, "Suggest one free activity a day.");
    await page.getByTestId("prompt-delete").click();
    await page.getByTestId("prompt-delete-confirm").click();
    await page.waitForURL((url) => url.pathname === "/prompts");
    await page.getByText("No saved prompts yet").waitFor();
    // The router renders the new address in a transition: the list (its own update) can be
    // empty a moment before the editor has moved on.
    await expect.poll(() => promptText(page)).toBe("");
  });

  it("reads well in dark theme, in Chinese and on a phone", async () => {
    await page.getByTestId("prompt-brief-role").fill("a travel planner");
    await page.getByTestId("prompt-brief-goal").fill("Plan trips to {{city}}.");
    await page.getByTestId("prompt-rule-add").click();
    await page.getByTestId("prompt-rule-input").fill("Give prices in {{currency}}");
    await promptContains(page, "## Rules");
    await page.getByTestId("prompt-name").fill("Trip planner");
    await page.getByTestId("prompt-save").click();
    await page.waitForURL((url) => /^\/prompts\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByTestId("prompt-refine-start").click();
    await page.locator('[data-testid="prompt-refined"][data-status="completed"]').waitFor();

    await page.getByTestId("theme-toggle").click();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
      true,
    );
    await screenshot(page, "prompts-10-dark-en");

    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "提示词", exact: true }).waitFor();
    await page.getByText("使用润色结果").waitFor();
    await screenshot(page, "prompts-11-dark-zh");
    await page.getByTestId("theme-toggle").click();
    await screenshot(page, "prompts-12-light-zh");

    const phone = await newContext(browser, host.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      storageState: await context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      const mobileErrors = watchErrors(mobile);
      await mobile.goto(new URL(page.url()).pathname);
      await promptContains(mobile, "## Rules");
      // The library is folded above the generator until asked for.
      expect(await mobile.getByTestId("prompt-search").isVisible()).toBe(false);
      await screenshot(mobile, "prompts-13-phone-light-zh", { fullPage: false });
      await mobile.getByTestId("prompt-text").scrollIntoViewIfNeeded();
      await screenshot(mobile, "prompts-14-phone-editor-light-zh", { fullPage: false });
      await mobile.getByTestId("prompt-library-toggle").click();
      await mobile.getByTestId("prompt-search").waitFor();
      await mobile.evaluate(() => window.scrollTo(0, 0));
      await screenshot(mobile, "prompts-15-phone-library-light-zh", { fullPage: false });
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
    expect(pageErrors).toEqual([]);
  });
});
