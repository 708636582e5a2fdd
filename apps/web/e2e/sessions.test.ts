import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signIn, signUp } from "./support/account";
import { launchBrowser, newContext, screenshot, watchErrors } from "./support/browser";
import { startHost, type Host } from "./support/host";

/**
 * Where you're signed in, on the overview: every browser signed in to the account is listed (a
 * new one appears live), and signing one or all of the others out ends them at once.
 */

const account = {
  name: "Many Devices",
  email: `devices-${Date.now()}@example.com`,
  password: "signed-in-everywhere",
};

// A signed-out device's calls are refused on its way to the sign-in page: failed requests.
const expectedNoise = /Failed to load resource/;

let host: Host;
let browser: Browser;
/** The device the account was created on, which signs the others out. */
let home: BrowserContext;
let page: Page;
let pageErrors: string[];
const devices: BrowserContext[] = [];

beforeAll(async () => {
  // Devices say where they are through a proxy header, as behind a load balancer.
  host = await startHost({ TRUST_PROXY: "true" });
  browser = await launchBrowser();
  home = await newContext(browser, host.url);
  page = await home.newPage();
  pageErrors = watchErrors(page);
  await signUp(page, account);
  await page.locator('[data-testid="connection-status"][data-status="online"]').waitFor();
});

afterAll(async () => {
  for (const device of devices) await device.close().catch(() => undefined);
  await home.close().catch(() => undefined);
  await browser.close().catch(() => undefined);
  await host.stop();
});

/** Other devices: their browser and the address they connect from. */
const LAPTOP = {
  userAgent:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ip: "203.0.113.24",
};
const PHONE = {
  userAgent:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  ip: "2001:db8:85a3:1234:5678:8a2e:370:7334",
};
const TABLET = {
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ip: "198.51.100.7",
};

/** Another browser profile (another device) signed in to the same account. */
async function signInElsewhere(device: {
  userAgent: string;
  ip: string;
}): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, host.url, {
    userAgent: device.userAgent,
    extraHTTPHeaders: { "X-Forwarded-For": device.ip },
  });
  devices.push(context);
  const other = await context.newPage();
  const errors = watchErrors(other);
  await signIn(other, account);
  return { page: other, errors };
}

const rows = () => page.getByTestId("session-row");

/** Waits (up to 10 s, without reloading) until the card lists `count` sessions. */
async function expectSessions(count: number) {
  await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(count);
}

/** A signed-out device finds out on its next page load. */
async function expectSignedOut(other: Page) {
  await other.reload();
  await other.waitForURL((url) => url.pathname === "/sign-in");
}

describe("where you're signed in", () => {
  it("lists a new device live and signs it out from its row", async () => {
    await expectSessions(1);
    expect(await rows().first().getAttribute("data-current")).toBe("true");
    expect(await page.getByTestId("sessions-revoke-others").count()).toBe(0);

    const laptop = await signInElsewhere(LAPTOP);
    await expectSessions(2);
    const current = page.locator('[data-testid="session-row"][data-current="true"]');
    const other = page.locator('[data-testid="session-row"][data-current="false"]');
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toContain("This device");
    expect(await current.textContent()).toContain("Chrome on Linux");
    expect(await current.getByTestId("session-revoke").count()).toBe(0);
    expect(await other.textContent()).not.toContain("This device");
    expect(await other.textContent()).toContain("Chrome on Windows");
    expect(await other.textContent()).toContain(LAPTOP.ip);
    expect(await other.textContent()).toContain("Signed in");
    await screenshot(page, "sessions-01-two-sessions-light-en");

    await other.getByTestId("session-revoke").click();
    await page.getByText("Signed out Chrome on Windows").waitFor();
    await expectSessions(1);
    expect(await rows().first().getAttribute("data-current")).toBe("true");

    await expectSignedOut(laptop.page);
    // Still signed in here.
    await page.reload();
    await page.getByTestId("sessions-card").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await expectSessions(1);

    expect(laptop.errors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });

  it("signs out every other session after asking", async () => {
    const phone = await signInElsewhere(PHONE);
    const tablet = await signInElsewhere(TABLET);
    await expectSessions(3);
    const card = page.getByTestId("sessions-card");
    expect(await card.textContent()).toContain("Safari on iOS");
    expect(await card.textContent()).toContain("Chrome on Android");
    // An IPv6 address is kept as its /64 network (the device's own part is not stored).
    expect(await card.textContent()).toMatch(/2001:0?db8:85a3:1234:/);
    await screenshot(page, "sessions-02-three-sessions-light-en");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "sessions-03-three-sessions-phone-light-en");
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, "sessions-04-three-sessions-phone-card-light-en", { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId("sessions-revoke-others").click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("2 other sessions will be signed out");
    await screenshot(page, "sessions-05-revoke-others-dialog-light-en", { fullPage: false });
    await page.getByTestId("sessions-revoke-others-confirm").click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("Signed out 2 other sessions").first().waitFor();
    await expectSessions(1);
    expect(await rows().first().getAttribute("data-current")).toBe("true");
    expect(await page.getByTestId("sessions-revoke-others").count()).toBe(0);
    // The activity feed says so too, from the live event.
    await page
      .locator('[data-event-type="session.revoked"]')
      .filter({ hasText: "Signed out 2 other sessions" })
      .waitFor({ timeout: 10_000 });

    await expectSignedOut(phone.page);
    await expectSignedOut(tablet.page);
    await page.reload();
    await page.getByTestId("sessions-card").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");

    for (const device of [phone, tablet]) {
      expect(device.errors.filter((error) => !expectedNoise.test(error))).toEqual([]);
    }
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});
