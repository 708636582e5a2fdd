import type { Browser, Page } from "playwright-core";

import { newContext, watchErrors } from "./browser";
import { startHost } from "./host";

export interface Account {
  name: string;
  email: string;
  password: string;
}

/** Signs `account` up through the sign-up form and waits for the overview. */
export async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/** Signs `account` in through the sign-in form (a browser of its own: another device) and waits for the overview. */
export async function signIn(
  page: Page,
  account: Pick<Account, "email" | "password">,
): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/**
 * A host of its own with default settings (no AI provider, no image provider), a fresh browser
 * profile on it and `account` signed up; `run` gets the page and the page errors seen so far.
 * Everything is closed afterwards, also when `run` fails.
 */
export async function withFreshHost(
  browser: Browser,
  account: Account,
  run: (page: Page, errors: string[]) => Promise<void>,
): Promise<void> {
  const host = await startHost();
  const context = await newContext(browser, host.url);
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signUp(page, account);
    await run(page, errors);
  } finally {
    await context.close();
    await host.stop();
  }
}
