import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newContext, screenshot, watchErrors } from "./support/browser";
import { startHost } from "./support/host";
import type { Host } from "./support/host";
import { signUp, type Account } from "./support/account";

const account = {
  name: "Grace Hopper",
  email: `grace-${Date.now()}@example.com`,
  password: "compiler-a0-1952",
};

let browser: Browser;
let host: Host;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** Console noise the browser prints for HTTP errors the page shows on purpose. */
const expectedNoise = /Failed to load resource|status of (400|401|403|404)/;

function procedureButton(target: Page, path: string) {
  return target.locator(`nav[aria-label="Procedures"] [data-path="${path}"]`);
}

async function openProcedure(target: Page, path: string) {
  await procedureButton(target, path).click();
  await target.getByTestId("panel-procedure-path").filter({ hasText: path }).waitFor();
}

function visiblePaths(target: Page): Promise<string[]> {
  return target
    .locator('nav[aria-label="Procedures"] [data-path]')
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute("data-path") ?? ""));
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close().catch(() => undefined);
});

describe("the API panel in a real browser (development host)", () => {
  beforeAll(async () => {
    host = await startHost();
    context = await newContext(browser, host.url);
    page = await context.newPage();
    pageErrors = watchErrors(page);
    await signUp(page, account);
  });

  afterAll(async () => {
    await context.close().catch(() => undefined);
    await host.stop();
  });

  it("serves the procedure description as JSON", async () => {
    const response = await page.request.get("/panel/schema.json");
    expect(response.status()).toBe(200);
    const body: unknown = await response.json();
    const procedures =
      typeof body === "object" &&
      body !== null &&
      "procedures" in body &&
      Array.isArray(body.procedures)
        ? body.procedures
        : [];
    expect(procedures).toContainEqual(
      expect.objectContaining({ path: "system.info", type: "query", input: null }),
    );
    expect(procedures).toContainEqual(
      expect.objectContaining({ path: "system.onEvents", type: "subscription" }),
    );
  });

  it("lists procedures grouped by namespace, with search and type filters", async () => {
    await page.goto("/panel");
    await page.getByRole("heading", { name: "API panel", level: 1 }).waitFor();
    await procedureButton(page, "system.info").waitFor();
    const all = await visiblePaths(page);
    expect(all).toEqual(expect.arrayContaining(["auth.session", "auth.signUp", "system.info"]));
    expect(await page.locator('nav[aria-label="Procedures"] h3').allTextContents()).toEqual(
      expect.arrayContaining(["auth", "system"]),
    );
    await screenshot(page, "panel-01-list-light-en");

    await page.getByRole("searchbox", { name: "Search procedures" }).fill("info");
    expect(await visiblePaths(page)).toEqual(["system.info"]);
    await page.getByRole("searchbox", { name: "Search procedures" }).fill("");

    await page.getByRole("button", { name: "Subscriptions" }).click();
    const subscriptions = await visiblePaths(page);
    expect(subscriptions).toContain("system.onEvents");
    expect(subscriptions).not.toContain("system.info");
    await page.getByRole("button", { name: "All", exact: true }).click();
    expect((await visiblePaths(page)).length).toBe(all.length);
  });

  it("runs a query and shows its JSON result with the duration", async () => {
    await openProcedure(page, "system.info");
    await page.getByText("This procedure takes no input.").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    const result = page.locator('[data-testid="panel-result"][data-status="success"]');
    await result.waitFor();
    const json = await page.getByTestId("panel-result-json").textContent();
    const parsed: unknown = JSON.parse(json ?? "null");
    expect(parsed).toMatchObject({ user: { email: account.email, name: account.name } });
    expect(await page.getByTestId("panel-duration").textContent()).toMatch(/^\d+(\.\d)? ms$/);
    // The selection is in the address, so the view survives a reload.
    expect(new URL(page.url()).searchParams.get("procedure")).toBe("system.info");
    await screenshot(page, "panel-02-query-result-light-en");
  });

  it("asks for required fields before calling, then shows the server's validation envelope", async () => {
    await openProcedure(page, "auth.signUp");
    await page.getByRole("button", { name: "Run" }).click();
    // Nothing was sent: the form names the empty required fields.
    await page.getByText("Fix these fields first: email, password, name").waitFor();
    expect(await page.getByText("This field is required.").count()).toBe(3);
    expect(await page.getByTestId("panel-result").count()).toBe(0);

    await page.locator('[data-field="email"]').fill("not-an-email");
    await page.locator('[data-field="password"]').fill("short");
    await page.locator('[data-field="name"]').fill("Grace");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator('[data-testid="panel-result"][data-status="error"]').waitFor();
    expect(await page.getByTestId("panel-error-code").textContent()).toBe("VALIDATION");
    const envelope = (await page.getByTestId("panel-error").textContent()) ?? "";
    expect(envelope).toContain("Invalid input");
    expect(envelope).toContain("HTTP 400");
    expect(envelope).toContain("fieldErrors");
    expect(envelope).toContain("password");
    expect(await page.getByTestId("panel-error-request-id").textContent()).toMatch(/^[\w.-]{8,}$/);
    // The envelope's field errors also show under the fields they name.
    await page
      .getByRole("alert")
      .filter({ hasText: /^Use at least 8 characters$/ })
      .waitFor();
    expect(await page.locator('[data-field="password"]').getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator('[data-field="name"]').getAttribute("aria-invalid")).toBeNull();
    await screenshot(page, "panel-03-validation-error-light-en");
  });

  it("edits the input as raw JSON", async () => {
    await openProcedure(page, "auth.signIn");
    await page.getByRole("tab", { name: "JSON" }).click();
    const editor = page.getByRole("textbox", { name: "JSON" });
    await editor.fill('{"email": ');
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText(/^Not valid JSON:/).waitFor();
    await editor.fill(JSON.stringify({ email: account.email, password: "" }));
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator('[data-testid="panel-result"][data-status="error"]').waitFor();
    expect(await page.getByTestId("panel-error-code").textContent()).toBe("VALIDATION");
    // Back to the form: the JSON typed above fills it in.
    await page.getByRole("tab", { name: "Form" }).click();
    expect(await page.locator('[data-field="email"]').inputValue()).toBe(account.email);
  });

  it("streams subscription events live with their tracked ids until stopped", async () => {
    await openProcedure(page, "system.onEvents");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.locator('[data-testid="panel-stream"][data-status="live"]').waitFor();

    // A second tab of the same session runs a mutation from the panel; its event streams in here.
    const other = await context.newPage();
    await other.goto("/panel?procedure=auth.apiKeys.create");
    await other.locator('[data-field="name"]').fill("panel stream check");
    await other.locator('[data-field="expiresInDays"]').fill("7");
    await other.getByRole("button", { name: "Run" }).click();
    await other.locator('[data-testid="panel-result"][data-status="success"]').waitFor();
    expect(await other.getByTestId("panel-result-json").textContent()).toContain(
      "panel stream check",
    );
    await screenshot(other, "panel-04-mutation-result-light-en");
    await other.close();

    const event = page
      .getByTestId("panel-stream-event")
      .filter({ hasText: "panel stream check" })
      .first();
    await event.waitFor();
    expect(await event.getByTestId("panel-stream-event-id").textContent()).toMatch(/\S+/);
    expect(await event.getByTestId("panel-stream-event-id").textContent()).not.toBe("—");
    await screenshot(page, "panel-05-subscription-light-en");

    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.locator('[data-testid="panel-stream"][data-status="stopped"]').waitFor();

    // Resuming after event 0 replays the backlog, the key's creation among it.
    await page.locator('[data-field="lastEventId"]').fill("0");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page
      .getByTestId("panel-stream-event")
      .filter({ hasText: "panel stream check" })
      .first()
      .waitFor();
    expect(await page.getByTestId("panel-stream-event").count()).toBeGreaterThanOrEqual(2);
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByRole("button", { name: "Subscribe" }).waitFor();
  });

  it("renders in dark mode and Simplified Chinese", async () => {
    await page.evaluate(() => {
      localStorage.setItem("genflow.theme", "dark");
      localStorage.setItem("genflow.language", "zh-CN");
    });
    await page.goto("/panel?procedure=auth.apiKeys.create");
    await page.getByRole("heading", { name: "API 面板", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(
      true,
    );
    await page.getByRole("button", { name: "运行" }).click();
    await page.getByText("此字段为必填项。").waitFor();
    await screenshot(page, "panel-06-form-dark-zh");
    await page.evaluate(() => {
      localStorage.removeItem("genflow.theme");
      localStorage.removeItem("genflow.language");
    });
  });

  it("left no uncaught errors in the page", () => {
    expect(pageErrors.filter((error) => !expectedNoise.test(error))).toEqual([]);
  });
});

describe("the API panel on a production host", () => {
  let production: Host;
  const admin: Account = {
    name: "Ada Admin",
    email: `admin-${Date.now()}@example.com`,
    password: "first-account-wins",
  };
  const member: Account = {
    name: "Mo Member",
    email: `member-${Date.now()}@example.com`,
    password: "second-account-here",
  };

  beforeAll(async () => {
    production = await startHost({ NODE_ENV: "production", AUTH_SECRET: "p".repeat(48) });
  });

  afterAll(async () => {
    await production.stop();
  });

  async function envelopeOf(response: { json(): Promise<unknown> }) {
    const body: unknown = await response.json();
    return typeof body === "object" && body !== null && "error" in body ? body.error : null;
  }

  it("refuses signed-out callers with 401 and the error envelope", async () => {
    const visitor = await newContext(browser, production.url);
    const response = await visitor.request.get("/panel/schema.json");
    expect(response.status()).toBe(401);
    const envelope = await envelopeOf(response);
    expect(envelope).toMatchObject({ code: "UNAUTHORIZED", details: null });
    // The request id in the envelope is the one the host logged and echoed in the header.
    expect(envelope).toHaveProperty("requestId", response.headers()["x-request-id"]);
    expect(envelope).toHaveProperty("message");
    await visitor.close();
  });

  it("serves the first account (the administrator) and refuses other users with 403", async () => {
    const adminContext = await newContext(browser, production.url);
    const adminPage = await adminContext.newPage();
    await signUp(adminPage, admin);
    const allowed = await adminContext.request.get("/panel/schema.json");
    expect(allowed.status()).toBe(200);
    await adminPage.goto("/panel?procedure=auth.users");
    await adminPage.getByRole("button", { name: "Run" }).click();
    await adminPage.locator('[data-testid="panel-result"][data-status="success"]').waitFor();
    expect(await adminPage.getByTestId("panel-result-json").textContent()).toContain(admin.email);
    await screenshot(adminPage, "panel-07-production-admin-light-en");
    await adminContext.close();

    const memberContext = await newContext(browser, production.url);
    await signUp(await memberContext.newPage(), member);
    const refused = await memberContext.request.get("/panel/schema.json");
    expect(refused.status()).toBe(403);
    expect(await envelopeOf(refused)).toMatchObject({ code: "FORBIDDEN", details: null });
    await memberContext.close();
  });
});
