import { describe, expect, it } from "vitest";

import {
  BATCH_MAX_ROWS,
  batchProblem,
  csvRecords,
  exampleCsv,
  matchColumns,
  readBatchData,
  rowCountOf,
} from "./batch-data";
import type { FieldSpec } from "./schema-fields";

describe("csvRecords", () => {
  it("reads quoted commas, doubled quotes and line breaks, and skips empty lines", () => {
    const text =
      '\ufeffquote,author\r\n"Less, but better","Dieter ""DR"" Rams"\n\n"two\nlines",Ada\n';
    expect(csvRecords(text)).toEqual([
      ["quote", "author"],
      ["Less, but better", 'Dieter "DR" Rams'],
      ["two\nlines", "Ada"],
    ]);
  });

  it("keeps a last line without a line break", () => {
    expect(csvRecords("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });
});

describe("readBatchData", () => {
  it("reads CSV: its columns and how many rows it has", () => {
    const data = readBatchData('quote,author\n"a, b",x\n,\n"c\nd",y\n');
    expect(data).toMatchObject({ kind: "csv", columns: ["quote", "author"], rows: 2 });
    expect(rowCountOf(data)).toBe(2);
  });

  it("reads JSON rows, as an array or under `rows`", () => {
    const data = readBatchData('[{"quote":"a"},{"quote":"b","author":"c"}]');
    expect(data).toMatchObject({ kind: "json", columns: ["quote", "author"] });
    expect(rowCountOf(data)).toBe(2);
    expect(readBatchData('{"rows":[{"quote":"a"}]}')).toMatchObject({ kind: "json" });
  });

  it("says what is wrong with text it cannot send", () => {
    expect(readBatchData("  \n")).toEqual({ kind: "empty" });
    expect(readBatchData('[{"quote":')).toMatchObject({ kind: "invalid", problem: "json" });
    expect(readBatchData("[1, 2]")).toMatchObject({ kind: "invalid", problem: "jsonShape" });
    expect(readBatchData("[]")).toMatchObject({ kind: "invalid", problem: "jsonShape" });
    expect(readBatchData(",,\n1,2,3")).toMatchObject({ kind: "invalid", problem: "csvHeader" });
  });
});

const specs: FieldSpec[] = [
  { kind: "text", name: "quote", required: true, multiline: true },
  { kind: "text", name: "author", required: false, multiline: false },
  { kind: "image", name: "avatar", required: false },
  { kind: "list", name: "stats", required: false, items: [] },
];

describe("matchColumns", () => {
  it("names the columns used, the required fields missing and the columns left out", () => {
    expect(matchColumns(specs, ["author", "slug", "extra"], "{index}-{slug}")).toEqual({
      used: ["author"],
      missing: ["quote"],
      unknown: ["extra"],
    });
  });
});

describe("exampleCsv", () => {
  it("starts from the editor's values for the fields a CSV cell can fill", () => {
    expect(exampleCsv(specs, { quote: 'Say "hi", then go', author: "Ada", stats: [] })).toBe(
      'quote,author\n"Say ""hi"", then go",Ada\n',
    );
  });
});

describe("batchProblem", () => {
  it("holds back what the server would refuse anyway", () => {
    expect(batchProblem(readBatchData(""))).toBe("empty");
    expect(batchProblem(readBatchData("[1]"))).toBe("invalid");
    const many = `quote\n${"a\n".repeat(BATCH_MAX_ROWS + 1)}`;
    expect(batchProblem(readBatchData(many))).toBe("tooMany");
    const large = `quote\n"${"x".repeat(1024 * 1024)}"\n`;
    expect(batchProblem(readBatchData(large))).toBe("tooLarge");
    expect(batchProblem(readBatchData("quote\nfine\n"))).toBeNull();
  });
});
