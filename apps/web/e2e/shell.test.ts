import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";

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

/** Console noise the browser prints for HTTP errors the app handles on purpose (401, 404, 429). */
const expectedNoise = /Failed to load resource|status of (401|403|404|429)/;

async function connectionStatus(target: Page): Promise<string | null> {
  return target.getByTestId("connection-status").getAttribute("data-status");
}

async function waitForOnline(target: Page) {
  await target.locator('[data-testid="connection-status"][data-status="online"]').waitFor();
}

async function openUserMenu(target: Page) {
  await target.getByRole("button", { name: /Account menu|账户菜单/ }).click();
}

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

describe("the web app in a real browser", () => {
  it("sends signed-out visitors to sign in", async () => {
    await page.goto("/api-keys");
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByRole("heading", { name: "Sign in to GenFlow" }).waitFor();
    await screenshot(page, "01-sign-in-light-en");
  });

  it("shows the server's field errors inline on sign-up", async () => {
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill(account.name);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    // The password rule lives on the server; its message arrives in details.fieldErrors.
    const error = page.getByRole("alert").filter({ hasText: "Use at least 8 characters" });
    await error.waitFor();
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    await screenshot(page, "02-sign-up-field-error-light-en");
  });

  it("signs up, lands on the overview and goes live", async () => {
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByRole("heading", { name: `Welcome, ${account.name}` }).waitFor();
    await waitForOnline(page);
    expect(await connectionStatus(page)).toBe("online");
    expect(await page.getByTestId("account-card").textContent()).toContain(account.email);
    await screenshot(page, "03-home-light-en");
  });

  it("keeps signed-in users away from the auth pages", async () => {
    await page.goto("/sign-in");
    await page.waitForURL((url) => url.pathname === "/");
  });

  it("signs out from the account menu", async () => {
    await waitForOnline(page);
    await openUserMenu(page);
    await screenshot(page, "04-user-menu-light-en");
    await page.getByTestId("sign-out").click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.goto("/");
    await page.waitForURL((url) => url.pathname === "/sign-in");
  });

  it("refuses a wrong password with the server's message, then signs in", async () => {
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert").filter({ hasText: /password/i });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Request ID: \S+/);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await waitForOnline(page);
  });

  it("creates an API key and shows it exactly once", async () => {
    await page.getByTestId("nav-api-keys").click();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByText("No API keys yet").waitFor();
    await screenshot(page, "05-api-keys-empty-light-en");

    await page.getByTestId("create-key").click();
    await page.getByLabel("Name").fill("CI deploy");
    await page.getByLabel("Expires").selectOption("30");
    await screenshot(page, "06-create-key-light-en");
    await page.getByTestId("create-key-submit").click();

    const key = page.getByTestId("created-key-value");
    await key.waitFor();
    const value = await key.inputValue();
    expect(value).toMatch(/^gf_\S{20,}$/);
    await page.getByText("This is the only time the full key is shown").waitFor();
    await screenshot(page, "07-created-key-light-en");
    await page.getByTestId("created-key-done").click();
    await key.waitFor({ state: "detached" });

    const row = page.getByTestId("api-key-row").filter({ hasText: "CI deploy" });
    await row.waitFor();
    // The list shows the start of the key, never the whole secret.
    expect(await row.textContent()).toContain(value.slice(0, 10));
    expect(await page.content()).not.toContain(value);
    await screenshot(page, "08-api-keys-list-light-en");
  });

  it("streams the key's creation into the live activity feed", async () => {
    await page.getByTestId("nav-home").click();
    const item = page
      .locator('[data-event-type="apiKey.created"]')
      .filter({ hasText: "CI deploy" });
    await item.waitFor();
    await screenshot(page, "09-home-activity-light-en");
  });

  it("revokes a key after confirmation", async () => {
    await page.getByTestId("nav-api-keys").click();
    const row = page.getByTestId("api-key-row").filter({ hasText: "CI deploy" });
    await row.getByTestId("revoke-key").click();
    await page.getByRole("heading", { name: "Revoke this API key?" }).waitFor();
    await screenshot(page, "10-revoke-confirm-light-en");
    await page.getByTestId("revoke-key-confirm").click();
    await row.waitFor({ state: "detached" });
    await page.getByText("API key revoked").first().waitFor();
    await page.getByText("No API keys yet").waitFor();
  });

  it("shows a failed call as a toast with a copyable request id", async () => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByTestId("create-key").click();
    await page.getByLabel("Name").fill("Short-lived");
    await page.getByTestId("create-key-submit").click();
    await page.getByTestId("created-key-done").click();
    const row = page.getByTestId("api-key-row").filter({ hasText: "Short-lived" });
    await row.waitFor();
    const id = await row.getAttribute("data-key-id");
    expect(id).toBeTruthy();

    await row.getByTestId("revoke-key").click();
    // Meanwhile the key is revoked elsewhere (another tab, a script): confirming now fails.
    const status = await page.evaluate(async (keyId) => {
      const response = await fetch("/trpc/auth.apiKeys.revoke", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { id: keyId } }),
      });
      return response.status;
    }, id);
    expect(status).toBe(200);
    await page.getByTestId("revoke-key-confirm").click();

    const toast = page.locator("[data-sonner-toast]").filter({ hasText: "API key not found" });
    await toast.waitFor();
    const requestId = (await toast.textContent())?.match(/Request ID: (\S+?)(Copy ID|$)/)?.[1];
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    await row.waitFor({ state: "detached" });
    await screenshot(page, "11-error-toast-light-en");

    await toast.getByRole("button", { name: "Copy ID" }).click();
    await page.getByText("Request ID copied").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(requestId);
  });

  it("shows the live stream going offline and coming back", async () => {
    await page.getByTestId("nav-home").click();
    await waitForOnline(page);
    await context.setOffline(true);
    await page.locator('[data-testid="connection-status"][data-status="offline"]').waitFor();
    await screenshot(page, "12-offline-light-en");
    await context.setOffline(false);
    await page.locator('[data-testid="connection-status"][data-status="online"]').waitFor({
      timeout: 45_000,
    });
  });

  it("opens the API panel from the navigation", async () => {
    await page.getByTestId("nav-panel").click();
    await page.waitForURL((url) => url.pathname === "/panel");
    await page.getByRole("navigation", { name: "Main navigation" }).waitFor();
    expect(await page.getByText("This page hit a problem").count()).toBe(0);
    await screenshot(page, "13-panel-light-en");
    await page.getByTestId("nav-api-keys").click();
  });

  it("switches to Simplified Chinese and remembers it", async () => {
    await page.getByRole("button", { name: "Language" }).click();
    await page.getByTestId("language-zh-CN").click();
    await page.getByRole("heading", { name: "API 密钥", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await page.getByText("还没有 API 密钥").waitFor();
    await screenshot(page, "14-api-keys-light-zh");

    await page.reload();
    await page.getByRole("heading", { name: "API 密钥", level: 1 }).waitFor();
    await page.getByTestId("create-key").click();
    await page.getByRole("heading", { name: "创建 API 密钥" }).waitFor();
    await screenshot(page, "15-create-key-light-zh");
    await page.getByRole("button", { name: "取消" }).click();
  });

  it("toggles the dark theme and remembers it", async () => {
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
    expect(await isDark()).toBe(false);
    await page.getByTestId("theme-toggle").click();
    expect(await isDark()).toBe(true);
    await page.getByTestId("nav-home").click();
    await page.getByRole("heading", { name: `欢迎，${account.name}` }).waitFor();
    await waitForOnline(page);
    expect(await page.getByTestId("connection-status").textContent()).toContain("实时");
    await screenshot(page, "16-home-dark-zh");

    await page.reload();
    await page.getByRole("heading", { name: `欢迎，${account.name}` }).waitFor();
    expect(await isDark()).toBe(true);
  });

  it("looks right in dark English on the API keys page", async () => {
    await page.getByRole("button", { name: "语言" }).click();
    await page.getByTestId("language-en").click();
    await page.getByTestId("nav-api-keys").click();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByTestId("create-key").click();
    await page.getByLabel("Name").fill("Nightly export");
    await page.getByLabel("Expires").selectOption("7");
    await page.getByTestId("create-key-submit").click();
    await page.getByTestId("created-key-value").waitFor();
    await screenshot(page, "17-created-key-dark-en");
    await page.getByTestId("created-key-done").click();
    await page.getByTestId("api-key-row").filter({ hasText: "Nightly export" }).waitFor();
    await screenshot(page, "18-api-keys-dark-en");
    await page.getByTestId("nav-home").click();
    await page.locator('[data-event-type="apiKey.created"]').first().waitFor();
    await screenshot(page, "19-home-dark-en");
  });

  it("fits a phone screen, with the navigation in a drawer", async () => {
    const phone = await newContext(browser, host.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      colorScheme: "dark",
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto("/sign-in");
      await mobile.getByRole("heading", { name: "Sign in to GenFlow" }).waitFor();
      expect(await mobile.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
        true,
      );
      await screenshot(mobile, "20-sign-in-phone-dark-en");
      await mobile.getByLabel("Email").fill(account.email);
      await mobile.getByLabel("Password", { exact: true }).fill(account.password);
      await mobile.getByRole("button", { name: "Sign in" }).click();
      await mobile.waitForURL((url) => url.pathname === "/");
      await waitForOnline(mobile);
      await screenshot(mobile, "21-home-phone-dark-en");
      await mobile.getByRole("button", { name: "Open navigation" }).click();
      // An overlay covers the viewport, not the page below it: capture what the phone shows.
      await screenshot(mobile, "22-drawer-phone-dark-en", { fullPage: false });
      await mobile.getByTestId("nav-api-keys").last().click();
      await mobile.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
      await screenshot(mobile, "23-api-keys-phone-dark-en");
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it("counts down on the sign-in form when the server rate-limits", async () => {
    const other = await newContext(browser, host.url);
    try {
      const visitor = await other.newPage();
      await visitor.goto("/sign-in");
      const email = `nobody-${Date.now()}@example.com`;
      const countdown = visitor.getByTestId("retry-countdown");
      for (let attempt = 0; attempt < 8 && (await countdown.count()) === 0; attempt++) {
        await visitor.getByLabel("Email").fill(email);
        await visitor.getByLabel("Password", { exact: true }).fill(`wrong-${attempt}`);
        await visitor.getByRole("button", { name: "Sign in" }).click();
        await visitor.getByRole("alert").first().waitFor();
        await visitor.waitForFunction(
          () => !document.querySelector('button[type="submit"]')?.hasAttribute("aria-busy"),
        );
      }
      await countdown.waitFor();
      expect(await countdown.textContent()).toMatch(/You can try again in \d+s\./);
      expect(await visitor.getByRole("alert").textContent()).toMatch(/try again in \d+s/i);
      expect(await visitor.getByRole("button", { name: "Sign in" }).isDisabled()).toBe(true);
      await screenshot(visitor, "24-sign-in-rate-limited-light-en");
    } finally {
      await other.close();
    }
  });

  it("had no unexpected errors in the page", () => {
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
