import { beforeAll, describe, expect, it } from "vitest";

import { createTestI18n } from "../../i18n/test-instance";

import {
  batchSummaryOf,
  canCancel,
  canDelete,
  canRetry,
  imageInputOf,
  inputIssuesOf,
  rowIssuesOf,
} from "./task-details";

let i18n: Awaited<ReturnType<typeof createTestI18n>>;

beforeAll(async () => {
  i18n = await createTestI18n();
});

describe("task actions", () => {
  it("offer cancel while a task waits or runs, retry once it stopped, delete unless it runs", () => {
    expect(canCancel({ status: "queued", cancelRequested: false })).toBe(true);
    expect(canCancel({ status: "running", cancelRequested: false })).toBe(true);
    expect(canCancel({ status: "running", cancelRequested: true })).toBe(false);
    expect(canCancel({ status: "succeeded", cancelRequested: false })).toBe(false);
    expect(
      ["failed", "canceled", "interrupted"].every((status) =>
        canRetry({ status: status as "failed" }),
      ),
    ).toBe(true);
    expect(canRetry({ status: "succeeded" })).toBe(false);
    expect(canDelete({ status: "running" })).toBe(false);
    expect(canDelete({ status: "queued" })).toBe(true);
  });
});

describe("batchSummaryOf", () => {
  it("reads template, format and row count from JSON rows, and the cards made", () => {
    expect(
      batchSummaryOf({
        input: { templateId: "quote", format: "webp", rows: [{}, {}, {}] },
        output: { count: 3, files: [] },
      }),
    ).toEqual({ templateId: "quote", format: "webp", rows: 3, cards: 3 });
  });

  it("does not guess a row count from CSV text", () => {
    expect(
      batchSummaryOf({ input: { templateId: "quote", csv: "quote\na\nb" }, output: null }),
    ).toEqual({
      templateId: "quote",
      format: null,
      rows: null,
      cards: null,
    });
  });
});

describe("imageInputOf", () => {
  it("reads a complete request, keeping seed and negative prompt when given", () => {
    expect(
      imageInputOf({
        prompt: "a red fox",
        width: 1024,
        height: 1536,
        count: 2,
        seed: 0,
        negativePrompt: "blur",
      }),
    ).toEqual({
      prompt: "a red fox",
      width: 1024,
      height: 1536,
      count: 2,
      seed: 0,
      negativePrompt: "blur",
    });
    expect(
      imageInputOf({ prompt: "fox", width: 512, height: 512, count: 1, negativePrompt: " " }),
    ).toEqual({
      prompt: "fox",
      width: 512,
      height: 512,
      count: 1,
    });
  });

  it("is null for input that is not an image request", () => {
    expect(imageInputOf({ templateId: "quote" })).toBeNull();
    expect(imageInputOf({ prompt: "fox", width: "1024", height: 1024, count: 1 })).toBeNull();
  });
});

describe("rowIssuesOf", () => {
  it("lists each field problem of each refused row", () => {
    const issues = rowIssuesOf(
      {
        rows: [
          {
            row: 2,
            message: "Invalid card",
            fieldErrors: { quote: ["Required"], author: ["Too long", 3] },
          },
          { row: 5, message: "Unknown upload", fieldErrors: {} },
        ],
        invalidRows: 140,
      },
      i18n.t,
    );
    expect(issues).toEqual({
      issues: [
        { row: 2, field: "quote", message: "Required" },
        { row: 2, field: "author", message: "Too long" },
        { row: 5, field: null, message: "Unknown upload" },
      ],
      total: 140,
    });
  });

  it("says the server's field errors in the page's language", () => {
    const zh = i18n.getFixedT("zh-CN");
    const details = { rows: [{ row: 2, fieldErrors: { quote: ["Required", "Too long"] } }] };
    expect(rowIssuesOf(details, zh)?.issues.map((issue) => issue.message)).toEqual([
      "必填",
      "Too long",
    ]);
  });

  it("is null when the details name no rows", () => {
    expect(rowIssuesOf(null, i18n.t)).toBeNull();
    expect(rowIssuesOf({ fieldErrors: {} }, i18n.t)).toBeNull();
    expect(rowIssuesOf({ rows: [{ message: "no row number" }] }, i18n.t)).toBeNull();
  });
});

describe("inputIssuesOf", () => {
  it("collects form and field errors once each", () => {
    expect(
      inputIssuesOf(
        {
          formErrors: ["Send the rows either as `rows` or as `csv`"],
          fieldErrors: {
            batch: ["The CSV has no header", "Send the rows either as `rows` or as `csv`"],
          },
        },
        i18n.t,
      ),
    ).toEqual(["Send the rows either as `rows` or as `csv`", "The CSV has no header"]);
    expect(inputIssuesOf(null, i18n.t)).toEqual([]);
  });
});
