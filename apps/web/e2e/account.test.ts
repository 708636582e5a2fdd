import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signUp } from "./support/account";
import { launchBrowser, newContext, screenshot, watchErrors } from "./support/browser";
import { startHost, type Host } from "./support/host";

/**
 * Deleting an account from the overview: the dialog says what goes and asks for the password, a
 * wrong password changes nothing, the right one deletes the account and signs the browser out.
 */

const stamp = Date.now();
const account = {
  name: "Short Stay",
  email: `leaving-${stamp}@example.com`,
  password: "gone-tomorrow-1",
};

// Refusals the page shows on purpose (a wrong password, a failed sign-in) log a failed request.
const expectedNoise = /Failed to load resource/;

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  // The first account on a host is its administrator, and the only administrator cannot leave
  // while others remain: someone else signs up first, so the account under test is a member.
  const first = await newContext(browser, host.url);
  await signUp(await first.newPage(), {
    name: "First Admin",
    email: `admin-${stamp}@example.com`,
    password: "keeps-the-lights-on",
  });
  await first.close();

  context = await newContext(browser, host.url);
  page = await context.newPage();
  pageErrors = watchErrors(page);
  await signUp(page, account);
});

afterAll(async () => {
  await context.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

async function openDialog() {
  await page.getByTestId("delete-account").click();
  await page.getByTestId("delete-account-password").waitFor();
}

describe("deleting an account", () => {
  it("asks for the password and says what goes, in a dialog", async () => {
    await openDialog();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain("This cannot be undone");
    expect(await dialog.textContent()).toContain(account.email);
    const password = page.getByTestId("delete-account-password");
    expect(await password.getAttribute("type")).toBe("password");
    expect(await password.getAttribute("autocomplete")).toBe("current-password");
    expect(await page.getByTestId("delete-account-submit").isDisabled()).toBe(true);
    await screenshot(page, "account-01-delete-dialog-light-en", { fullPage: false });

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  it("refuses a wrong password inline and keeps the account", async () => {
    await openDialog();
    await page.getByTestId("delete-account-password").fill("not-my-password");
    await page.getByTestId("delete-account-submit").click();
    const error = page.getByTestId("delete-account-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("The password is not right");
    // Still in the dialog, still signed in: a wrong password is not the end of the session.
    expect(await page.getByRole("dialog").isVisible()).toBe(true);
    await screenshot(page, "account-02-wrong-password-light-en", { fullPage: false });

    await page.reload();
    await page.getByTestId("account-card").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.getByTestId("account-card").textContent()).toContain(account.email);
  });

  it("deletes the account with the right password and signs out; it cannot sign in again", async () => {
    await openDialog();
    await page.getByTestId("delete-account-password").fill(account.password);
    await page.getByTestId("delete-account-submit").click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByText("Your account was deleted").waitFor();

    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");

    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
