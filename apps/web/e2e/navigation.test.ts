import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";

let browser: Browser;

async function signUp(page: Page, name: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(`${name.toLowerCase()}-${Date.now()}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByTestId("nav-home").waitFor();
}

/** The nav items a signed-in user sees. */
function navItems(page: Page): Promise<string[]> {
  return page
    .getByRole("navigation", { name: "Main navigation" })
    .getByRole("link")
    .evaluateAll((links) => links.map((link) => link.getAttribute("data-testid") ?? ""));
}

/** Signs up the installation's first user (the admin) and a second one, each in a fresh browser. */
async function adminAndMember(host: Host) {
  const adminContext = await newContext(browser, host.url);
  const memberContext = await newContext(browser, host.url);
  const admin = await adminContext.newPage();
  const member = await memberContext.newPage();
  await signUp(admin, "Admin");
  await admin.getByTestId("nav-panel").waitFor();
  // A member's panel entry depends on the server's answer to the panel check: wait for it.
  const probe = member.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === "/panel/schema.json" &&
      response.request().method() === "HEAD",
  );
  await signUp(member, "Member");
  const panelCheck = await probe;
  return {
    admin,
    member,
    /** The HTTP status the server gave the member's panel check. */
    memberPanelStatus: panelCheck.status(),
    close: async () => {
      await adminContext.close();
      await memberContext.close();
    },
  };
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close().catch(() => undefined);
});

describe("navigation lists only what the caller can use", () => {
  it("in production, shows the API panel to administrators only", async () => {
    const host = await startHost({ NODE_ENV: "production", AUTH_SECRET: "e2e-".repeat(10) });
    try {
      const { admin, member, memberPanelStatus, close } = await adminAndMember(host);
      try {
        expect(memberPanelStatus).toBe(403);
        expect(await navItems(admin)).toEqual([
          "nav-home",
          "nav-studio",
          "nav-cutout",
          "nav-articles",
          "nav-chat",
          "nav-prompts",
          "nav-tasks",
          "nav-api-keys",
          "nav-panel",
        ]);
        expect(await navItems(member)).toEqual([
          "nav-home",
          "nav-studio",
          "nav-cutout",
          "nav-articles",
          "nav-chat",
          "nav-prompts",
          "nav-tasks",
          "nav-api-keys",
        ]);
        await screenshot(member, "nav-01-member-production-light-en");
        // Typing the address does not help either.
        await member.goto("/panel");
        await member.getByRole("heading", { name: "Page not found" }).waitFor();
      } finally {
        await close();
      }
    } finally {
      await host.stop();
    }
  });

  it("in development, shows the API panel to everyone signed in", async () => {
    const host = await startHost({ NODE_ENV: "development" });
    try {
      const { member, memberPanelStatus, close } = await adminAndMember(host);
      try {
        expect(memberPanelStatus).toBe(200);
        await member.getByTestId("nav-panel").waitFor();
        expect(await navItems(member)).toEqual([
          "nav-home",
          "nav-studio",
          "nav-cutout",
          "nav-articles",
          "nav-chat",
          "nav-prompts",
          "nav-tasks",
          "nav-api-keys",
          "nav-panel",
        ]);
      } finally {
        await close();
      }
    } finally {
      await host.stop();
    }
  });
});
