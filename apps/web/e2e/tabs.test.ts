import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signUp } from "./support/account";
import { launchBrowser, newContext, watchErrors } from "./support/browser";
import { startHost, type Host } from "./support/host";

// A browser opens at most 6 HTTP/1.1 connections to one host, for all its tabs together; every
// stream held open (a live list, a reply being written) takes one of them for as long as it lasts.
const TABS = 8;

let host: Host;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  context = await newContext(browser, host.url);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

async function waitForOnline(page: Page) {
  await page.locator('[data-testid="connection-status"][data-status="online"]').waitFor();
}

describe("many tabs of one browser", () => {
  it(`stay live and keep loading with ${TABS} tabs open on live pages`, async () => {
    const first = await context.newPage();
    const errors = watchErrors(first);
    await signUp(first, {
      name: "Tab Keeper",
      email: `tabs-${Date.now()}@example.com`,
      password: "many-tabs-at-once",
    });
    await waitForOnline(first);

    // Every tab holds the app's live stream, half of them the tasks page's live list too.
    const pages = [first];
    for (let index = 1; index < TABS - 1; index += 1) {
      const page = await context.newPage();
      await page.goto(index % 2 === 0 ? "/" : "/tasks");
      await waitForOnline(page);
      pages.push(page);
    }

    // A tab opened now still loads what it asks for…
    const last = await context.newPage();
    await last.goto("/api-keys");
    await last.getByTestId("create-key").click({ timeout: 10_000 });
    await last.getByLabel("Name").fill("seen in every tab");
    await last.getByTestId("create-key-submit").click();
    await last.getByTestId("created-key-done").click();

    // …and the event of what it did reaches every other tab over its live stream.
    for (const page of pages) {
      await page.getByTestId("nav-home").click();
      await page
        .locator('[data-event-type="apiKey.created"]')
        .filter({ hasText: "seen in every tab" })
        .waitFor({ timeout: 10_000 });
    }
    expect(errors.filter((error) => !/Failed to load resource/.test(error))).toEqual([]);
  }, 120_000);

  it("follows the new account when a tab signs out and someone else signs in", async () => {
    const fresh = await newContext(browser, host.url);
    const page = await fresh.newPage();
    const errors = watchErrors(page);
    const stamp = Date.now();
    await signUp(page, {
      name: "First Person",
      email: `first-${stamp}@example.com`,
      password: "first-person-pw",
    });
    await waitForOnline(page);

    // Out and in again without reloading: the page's live socket was opened as the first account.
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByTestId("sign-out").click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    const second = { name: "Second Person", email: `second-${stamp}@example.com` };
    await page.getByLabel("Name").fill(second.name);
    await page.getByLabel("Email").fill(second.email);
    await page.getByLabel("Password", { exact: true }).fill("second-person-pw");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await waitForOnline(page);
    expect(await page.getByTestId("account-card").textContent()).toContain(second.email);

    // The stream is the second account's: its own key shows up live.
    await page.getByTestId("nav-api-keys").click();
    await page.getByTestId("create-key").click();
    await page.getByLabel("Name").fill("second person's key");
    await page.getByTestId("create-key-submit").click();
    await page.getByTestId("created-key-done").click();
    await page.getByTestId("nav-home").click();
    await page
      .locator('[data-event-type="apiKey.created"]')
      .filter({ hasText: "second person's key" })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("connection-status").getAttribute("data-status")).toBe("online");
    expect(errors.filter((error) => !/Failed to load resource/.test(error))).toEqual([]);
    await fresh.close();
  }, 60_000);
});

/** What a page sees where a proxy or firewall refuses WebSockets: every socket fails to open. */
function blockWebSockets() {
  class BlockedWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    binaryType = "blob";
    constructor(readonly url: string) {
      super();
      const page = window as unknown as { blockedSockets?: number };
      page.blockedSockets = (page.blockedSockets ?? 0) + 1;
      setTimeout(() => {
        this.readyState = 3;
        this.dispatchEvent(new Event("error"));
        this.dispatchEvent(new CloseEvent("close", { code: 1006 }));
      }, 20);
    }
    send() {
      throw new DOMException("The socket is not open", "InvalidStateError");
    }
    close() {
      this.readyState = 3;
    }
  }
  Object.defineProperty(window, "WebSocket", { value: BlockedWebSocket });
}

describe("where WebSockets are blocked", () => {
  it("falls back to server-sent events and stays live, across a change of account", async () => {
    const blocked = await newContext(browser, host.url);
    await blocked.addInitScript(blockWebSockets);
    const page = await blocked.newPage();
    const errors = watchErrors(page);
    const streams: string[] = [];
    page.on("response", (response) => {
      if (response.headers()["content-type"]?.startsWith("text/event-stream")) {
        streams.push(new URL(response.url()).pathname);
      }
    });
    const stamp = Date.now();
    await signUp(page, {
      name: "Behind A Proxy",
      email: `proxy-${stamp}@example.com`,
      password: "no-sockets-here",
    });
    await waitForOnline(page);
    expect(await page.evaluate(() => (window as { blockedSockets?: number }).blockedSockets)).toBe(
      2,
    );
    expect(streams).toContain("/trpc/system.onEvents");

    const createKey = async (name: string) => {
      await page.getByTestId("nav-api-keys").click();
      await page.getByTestId("create-key").click();
      await page.getByLabel("Name").fill(name);
      await page.getByTestId("create-key-submit").click();
      await page.getByTestId("created-key-done").click();
      await page.getByTestId("nav-home").click();
      await page
        .locator('[data-event-type="apiKey.created"]')
        .filter({ hasText: name })
        .waitFor({ timeout: 10_000 });
    };
    await createKey("made behind a proxy");

    // Out and in as someone else without reloading: the streams reopen as the new account.
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByTestId("sign-out").click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("Also Behind It");
    await page.getByLabel("Email").fill(`proxy-two-${stamp}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("still-no-sockets");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await waitForOnline(page);
    await createKey("the second account's key");
    const firstAccountsEvent = page
      .locator('[data-event-type="apiKey.created"]')
      .filter({ hasText: "made behind a proxy" });
    expect(await firstAccountsEvent.count()).toBe(0);

    // The tasks page's live list streams too.
    await page.getByTestId("nav-tasks").click();
    await page
      .locator('[data-testid="tasks-connection"][data-status="online"]')
      .waitFor({ timeout: 10_000 });
    expect(streams).toContain("/trpc/tasks.onUpdate");
    expect(await page.evaluate(() => (window as { blockedSockets?: number }).blockedSockets)).toBe(
      2,
    );
    expect(errors.filter((error) => !/Failed to load resource/.test(error))).toEqual([]);
    await blocked.close();
  }, 60_000);
});
