import { initTRPC, tracked } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import {
  appRouter,
  describeRouter,
  type JSONSchema,
  type ProcedureDescription,
} from "../src/index";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function byPath(list: readonly ProcedureDescription[], path: string): ProcedureDescription {
  const found = list.find((procedure) => procedure.path === path);
  if (!found) throw new Error(`${path} is not described`);
  return found;
}

function property(schema: JSONSchema | null, name: string): Record<string, unknown> {
  const value = schema?.properties?.[name];
  if (!isRecord(value)) throw new Error(`no property ${name}`);
  return value;
}

function numberKeyword(schema: Record<string, unknown>, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === "number" ? value : undefined;
}

const t = initTRPC.meta<{ summary: string }>().create();
const Named = z.object({ name: z.string().min(2).max(40) });
const fixture = t.router({
  ping: t.procedure.query(() => "pong"),
  cards: t.router({
    create: t.procedure
      .meta({ summary: "Create a card" })
      .input(
        z.object({
          title: z.string().min(1).max(120),
          kind: z.enum(["note", "image"]),
          width: z.number().int().min(64).max(4096).optional(),
          tags: z.array(z.string()).max(10).default([]),
          public: z.boolean(),
          size: z.object({ w: z.number(), h: z.number() }).optional(),
          dueAt: z.date().optional(),
        }),
      )
      .output(z.object({ id: z.string().uuid() }))
      .mutation(() => ({ id: "00000000-0000-4000-8000-000000000000" })),
    deep: t.router({
      rename: t.procedure
        .input(z.object({ id: z.string() }))
        .input(Named)
        .mutation(({ input }) => input),
    }),
  }),
  onTick: t.procedure
    .input(z.object({ lastEventId: z.string().nullish() }))
    .subscription(async function* ({ signal }) {
      yield tracked("1", { n: 1 });
      await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
    }),
});

describe("describeRouter on a router with known schemas", () => {
  const described = describeRouter(fixture);

  it("flattens nested routers to dotted, sorted paths with the procedure type", () => {
    expect(described.map(({ path, type }) => [path, type])).toEqual([
      ["cards.create", "mutation"],
      ["cards.deep.rename", "mutation"],
      ["onTick", "subscription"],
      ["ping", "query"],
    ]);
  });

  it("describes a procedure without input as null input", () => {
    expect(byPath(described, "ping").input).toBeNull();
    expect(byPath(described, "ping").output).toBeNull();
  });

  it("keeps required fields, constraints, enums, defaults and nested objects of the input", () => {
    const input = byPath(described, "cards.create").input;
    expect(input?.type).toBe("object");
    expect(new Set(input?.required)).toEqual(new Set(["title", "kind", "public"]));
    expect(property(input, "title")).toMatchObject({
      type: "string",
      minLength: 1,
      maxLength: 120,
    });
    expect(property(input, "kind")).toMatchObject({ enum: ["note", "image"] });
    expect(property(input, "width")).toMatchObject({ type: "integer", minimum: 64, maximum: 4096 });
    expect(property(input, "tags")).toMatchObject({ type: "array", maxItems: 10, default: [] });
    expect(property(input, "size")).toMatchObject({ type: "object", required: ["w", "h"] });
    expect(property(input, "dueAt")).toMatchObject({
      type: "string",
      format: "date-time",
      "x-js-type": "Date",
    });
  });

  it("describes a declared output and the procedure meta", () => {
    const create = byPath(described, "cards.create");
    expect(property(create.output, "id")).toMatchObject({ type: "string", format: "uuid" });
    expect(create.meta).toEqual({ summary: "Create a card" });
    expect(byPath(described, "ping").meta).toBeUndefined();
  });

  it("merges chained object inputs into one object schema", () => {
    const input = byPath(described, "cards.deep.rename").input;
    expect(input?.type).toBe("object");
    expect(new Set(input?.required)).toEqual(new Set(["id", "name"]));
    expect(property(input, "name")).toMatchObject({ minLength: 2, maxLength: 40 });
  });

  it("describes subscription inputs with optional fields", () => {
    const input = byPath(described, "onTick").input;
    expect(input?.required ?? []).toEqual([]);
    expect(input?.properties).toHaveProperty("lastEventId");
  });

  it("returns plain JSON and computes the description once per router", () => {
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
    expect(describeRouter(fixture)).toBe(described);
  });
});

/** The JSON Schema keywords the panel relies on must agree with what zod really accepts. */
function expectConstraintsMatchZod(
  path: string,
  field: string,
  zodField: z.ZodType,
  json: Record<string, unknown>,
) {
  const label = `${path} → ${field}`;
  const minLength = numberKeyword(json, "minLength");
  if (minLength !== undefined && minLength > 0) {
    expect(zodField.safeParse("a".repeat(minLength - 1)).success, `${label} minLength`).toBe(false);
  }
  const maxLength = numberKeyword(json, "maxLength");
  if (maxLength !== undefined) {
    expect(zodField.safeParse("a".repeat(maxLength + 1)).success, `${label} maxLength`).toBe(false);
  }
  const minimum = numberKeyword(json, "minimum");
  if (minimum !== undefined && minimum > Number.MIN_SAFE_INTEGER) {
    expect(zodField.safeParse(minimum - 1).success, `${label} minimum`).toBe(false);
  }
  const maximum = numberKeyword(json, "maximum");
  if (maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER) {
    expect(zodField.safeParse(maximum + 1).success, `${label} maximum`).toBe(false);
  }
  const options = json.enum;
  if (Array.isArray(options)) {
    for (const option of options)
      expect(zodField.safeParse(option).success, `${label} enum ${String(option)}`).toBe(true);
  }
}

describe("describeRouter on appRouter", () => {
  const described = describeRouter(appRouter);
  const procedures: Record<string, unknown> = appRouter._def.procedures;

  it("lists every procedure exactly once with its type", () => {
    const expected = Object.entries(procedures).map(([path, procedure]) => {
      const def: unknown =
        isRecord(procedure) || typeof procedure === "function"
          ? Reflect.get(procedure, "_def")
          : null;
      return [path, isRecord(def) ? def.type : null];
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(described.map(({ path, type }) => [path, type]).sort()).toEqual(expected.sort());
    expect(byPath(described, "system.info")).toMatchObject({ type: "query", input: null });
    expect(byPath(described, "system.onEvents").type).toBe("subscription");
    expect(byPath(described, "auth.signUp").type).toBe("mutation");
  });

  it("matches each zod object input: required fields and constraints", () => {
    let checkedFields = 0;
    for (const description of described) {
      const procedure = procedures[description.path];
      const def: unknown = typeof procedure === "function" ? Reflect.get(procedure, "_def") : null;
      const inputs: unknown = isRecord(def) ? def.inputs : null;
      if (!Array.isArray(inputs) || inputs.length !== 1) continue;
      let schema: unknown = inputs[0];
      // `.optional()`, `.default()` and `.prefault()` around an object keep its fields.
      while (
        schema instanceof z.ZodOptional ||
        schema instanceof z.ZodDefault ||
        schema instanceof z.ZodPrefault
      )
        schema = schema.unwrap();
      if (!(schema instanceof z.ZodObject)) continue;
      const shape: Record<string, z.ZodType> = schema.shape;
      // A field is required when its schema rejects a missing value.
      const required = Object.entries(shape)
        .filter(([, field]) => !field.safeParse(undefined).success)
        .map(([key]) => key);
      expect(new Set(description.input?.required ?? []), `${description.path} required`).toEqual(
        new Set(required),
      );
      for (const [key, field] of Object.entries(shape)) {
        expectConstraintsMatchZod(description.path, key, field, property(description.input, key));
        checkedFields += 1;
      }
    }
    // Every procedure whose input is an object was checked field by field above.
    const fieldCount = described.reduce(
      (sum, description) => sum + Object.keys(description.input?.properties ?? {}).length,
      0,
    );
    expect(fieldCount).toBeGreaterThan(0);
    expect(checkedFields).toBe(fieldCount);
  });
});
