import { mkdir } from "node:fs/promises";
import path from "node:path";

import { chromium } from "playwright-core";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";

import { e2eEnv } from "../env";

const screenshotDir =
  e2eEnv.screenshotDir ??
  path.resolve(import.meta.dirname, "..", "..", "test-output", "screenshots");

/** The system Chromium, headless. Browsers are never downloaded. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: e2eEnv.chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A fresh profile (no cookies, no storage) pointed at the host. */
export function newContext(
  browser: Browser,
  baseURL: string,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    colorScheme: "light",
    ...options,
  });
}

/** Saves a PNG (the full page unless told otherwise) under test-output/screenshots/ (or E2E_SCREENSHOT_DIR). */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true } = {},
): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  // Let transitions and fonts settle so the picture shows the resting state.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(350);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
}

/** Collects uncaught page errors and console errors, to fail tests on broken pages. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}
