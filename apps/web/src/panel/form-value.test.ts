import { describe, expect, it } from "vitest";

import {
  findIssues,
  formatJson,
  initialInput,
  InvalidJson,
  parseJsonText,
  serverIssues,
  toWireInput,
} from "./form-value";
import { fieldOf, parseDescription, readScalar, type JsonSchema } from "./json-schema";

const cardInput: JsonSchema = {
  type: "object",
  properties: {
    title: { type: "string", minLength: 1 },
    public: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
    size: {
      type: "object",
      properties: { w: { type: "number" }, h: { type: "number" } },
      required: ["w", "h"],
    },
    dueAt: { type: "string", format: "date-time", "x-js-type": "Date" },
    budget: { type: "string", pattern: "^-?\\d+$", "x-js-type": "BigInt" },
    note: { anyOf: [{ type: "string" }, { type: "null" }] },
    parent: { $ref: "#" },
  },
  required: ["title", "public", "tags", "size"],
};

describe("reading JSON Schemas into fields", () => {
  it("splits a null branch off as nullable", () => {
    const field = fieldOf({ anyOf: [{ type: "string" }, { type: "null" }] }, cardInput, 1);
    expect(field.shape.kind).toBe("string");
    expect(field.nullable).toBe(true);
  });

  it("follows local references, and gives up on recursion past the depth limit", () => {
    expect(fieldOf({ $ref: "#" }, cardInput, 1).shape.kind).toBe("object");
    expect(fieldOf({ $ref: "#" }, cardInput, 99).shape.kind).toBe("raw");
    expect(fieldOf({ $ref: "#/$defs/missing" }, cardInput, 1).shape.kind).toBe("raw");
  });

  it("types unions of plain types as one text field and everything else as JSON", () => {
    const union = { anyOf: [{ type: "integer" }, { type: "string", pattern: "^\\d+$" }] };
    expect(fieldOf(union, union, 0).shape).toEqual({
      kind: "scalar",
      types: ["integer", "string"],
    });
    const record = { type: "object", additionalProperties: { type: "string" } };
    expect(fieldOf(record, record, 0).shape.kind).toBe("raw");
    expect(fieldOf({}, {}, 0).shape.kind).toBe("raw");
  });

  it("reads scalar text as the first type it fits", () => {
    expect(readScalar("42", ["integer", "string"])).toBe(42);
    expect(readScalar("4x", ["integer", "string"])).toBe("4x");
    expect(readScalar("true", ["boolean", "string"])).toBe(true);
    expect(readScalar("42", ["string"])).toBe("42");
  });
});

describe("the value a form builds", () => {
  it("opens required objects, arrays and switches", () => {
    expect(initialInput(cardInput)).toEqual({ public: false, tags: [], size: {} });
    expect(initialInput(null)).toBeUndefined();
  });

  it("reports empty required fields by path, nested ones included", () => {
    const issues = findIssues(cardInput, { public: true, tags: ["a", undefined], size: { w: 1 } });
    expect([...issues.keys()].sort()).toEqual(["size.h", "tags.1", "title"]);
    expect(issues.get("title")).toEqual({ kind: "required" });
  });

  it("reports JSON that does not parse", () => {
    const broken = parseJsonText("{ nope");
    expect(broken).toBeInstanceOf(InvalidJson);
    expect(findIssues({}, broken).get("")?.kind).toBe("invalidJson");
    expect(parseJsonText("  ")).toBeUndefined();
  });

  it("reads the field errors of a validation envelope", () => {
    const issues = serverIssues({
      formErrors: [],
      fieldErrors: { password: ["Too short", "Too simple"], email: [] },
    });
    expect([...issues]).toEqual([["password", { kind: "server", reason: "Too short Too simple" }]]);
    expect(serverIssues(null).size).toBe(0);
  });

  it("turns dates and big integers into the types superjson carries", () => {
    const wire = toWireInput(cardInput, {
      title: "x",
      dueAt: "2030-01-02T03:04",
      budget: "12345678901234567890",
      extra: { kept: true },
    });
    expect(wire).toEqual({
      title: "x",
      dueAt: new Date("2030-01-02T03:04"),
      budget: 12345678901234567890n,
      extra: { kept: true },
    });
  });

  it("formats results that plain JSON cannot show", () => {
    expect(formatJson({ n: 1n, m: new Map([["a", 1]]), s: new Set([2]) })).toBe(
      JSON.stringify({ n: "1n", m: { a: 1 }, s: [2] }, null, 2),
    );
    expect(formatJson(undefined)).toBe("undefined");
  });
});

describe("the panel description", () => {
  it("keeps well-formed procedures and skips the rest", () => {
    const procedures = parseDescription({
      procedures: [
        { path: "system.info", type: "query", input: null, output: null },
        { path: "x", type: "bogus" },
        "not a procedure",
      ],
    });
    expect(procedures).toEqual([
      { path: "system.info", type: "query", input: null, output: null, meta: null },
    ]);
    expect(() => parseDescription({})).toThrow();
  });
});
