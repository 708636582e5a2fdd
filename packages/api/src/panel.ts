import type { AnyTRPCRouter } from "@trpc/server";
import { z } from "zod";

/** A JSON Schema (draft 2020-12) as produced by `z.toJSONSchema`. */
export type JSONSchema = z.core.JSONSchema.JSONSchema;

export type ProcedureKind = "query" | "mutation" | "subscription";

/** One procedure as the panel sees it. */
export interface ProcedureDescription {
  /** Dotted path, e.g. `system.info`. */
  path: string;
  type: ProcedureKind;
  /** What the procedure accepts; `null` when it takes no input. */
  input: JSONSchema | null;
  /** What it returns; `null` when no output parser is declared. */
  output: JSONSchema | null;
  /** The procedure's `.meta()`, when it is a plain object. */
  meta?: Record<string, unknown>;
}

/**
 * Extension keyword marking values superjson carries with their JavaScript type, so a client
 * can turn the JSON it collected (an ISO date string, a digit string) into the real value.
 */
export const JS_TYPE_KEYWORD = "x-js-type";

function isKind(value: unknown): value is ProcedureKind {
  return value === "query" || value === "mutation" || value === "subscription";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isZodSchema(value: unknown): value is z.core.$ZodType {
  return value instanceof z.core.$ZodType;
}

function isZodObject(value: z.core.$ZodType): value is z.core.$ZodObject {
  return value instanceof z.core.$ZodObject;
}

/**
 * `.input()` can be chained: tRPC validates the raw input against every parser and merges the
 * results. Object schemas become one object (a key declared twice must satisfy both); anything
 * else becomes an intersection.
 */
function mergeInputs(parsers: readonly z.core.$ZodType[]): z.core.$ZodType | null {
  const [first, ...rest] = parsers;
  if (!first) return null;
  if (rest.length === 0) return first;
  const objects = parsers.filter(isZodObject);
  if (objects.length === parsers.length) {
    const shape: Record<string, z.core.$ZodType> = {};
    for (const object of objects) {
      for (const [key, field] of Object.entries(object._zod.def.shape)) {
        const previous = shape[key];
        shape[key] = previous ? z.intersection(previous, field) : field;
      }
    }
    const strict = objects.every((object) => object._zod.def.catchall instanceof z.core.$ZodNever);
    return strict ? z.strictObject(shape) : z.object(shape);
  }
  return rest.reduce<z.core.$ZodType>((merged, next) => z.intersection(merged, next), first);
}

/** Dates and bigints travel through superjson; describe them as strings a form can collect. */
function annotateSuperjsonTypes(ctx: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: z.core.JSONSchema.BaseSchema;
}) {
  const kind = ctx.zodSchema._zod.def.type;
  if (kind === "date") {
    ctx.jsonSchema.type = "string";
    ctx.jsonSchema.format = "date-time";
    ctx.jsonSchema[JS_TYPE_KEYWORD] = "Date";
  } else if (kind === "bigint") {
    ctx.jsonSchema.type = "string";
    ctx.jsonSchema.pattern = "^-?\\d+$";
    ctx.jsonSchema[JS_TYPE_KEYWORD] = "BigInt";
  }
}

/** A plain, serialisable copy of zod's JSON Schema output; `null` if it cannot be produced. */
function toJSONSchema(schema: z.core.$ZodType, io: "input" | "output"): JSONSchema | null {
  try {
    const generated = z.toJSONSchema(schema, {
      io,
      unrepresentable: "any",
      override: annotateSuperjsonTypes,
    });
    const copy: unknown = JSON.parse(JSON.stringify(generated));
    return isRecord(copy) ? copy : null;
  } catch {
    return null;
  }
}

function describeInput(inputs: unknown): JSONSchema | null {
  if (!Array.isArray(inputs) || inputs.length === 0) return null;
  const parsers: z.core.$ZodType[] = [];
  for (const parser of inputs) {
    // A validator other than zod: the panel can still send raw JSON, it just cannot describe it.
    if (!isZodSchema(parser)) return {};
    parsers.push(parser);
  }
  const merged = mergeInputs(parsers);
  return merged ? toJSONSchema(merged, "input") : null;
}

function plainMeta(meta: unknown): Record<string, unknown> | undefined {
  if (!isRecord(meta)) return undefined;
  try {
    const copy: unknown = JSON.parse(JSON.stringify(meta));
    return isRecord(copy) && Object.keys(copy).length > 0 ? copy : undefined;
  } catch {
    return undefined;
  }
}

function describeProcedure(path: string, procedure: unknown): ProcedureDescription | null {
  if (typeof procedure !== "function" || !("_def" in procedure)) return null;
  const def: unknown = procedure._def;
  if (!isRecord(def) || !isKind(def.type)) return null;
  const description: ProcedureDescription = {
    path,
    type: def.type,
    input: describeInput(def.inputs),
    output: isZodSchema(def.output) ? toJSONSchema(def.output, "output") : null,
  };
  const meta = plainMeta(def.meta);
  if (meta) description.meta = meta;
  return description;
}

const cache = new WeakMap<AnyTRPCRouter, readonly ProcedureDescription[]>();

/**
 * Every procedure of a router (nested routers flattened to dotted paths, sorted by path) with
 * JSON Schemas of its input and declared output. Computed once per router. Lazy routers that
 * have not been loaded yet are not listed.
 */
export function describeRouter(router: AnyTRPCRouter): readonly ProcedureDescription[] {
  const cached = cache.get(router);
  if (cached) return cached;
  const procedures: unknown = router._def.procedures;
  const described: ProcedureDescription[] = [];
  if (isRecord(procedures)) {
    for (const [path, procedure] of Object.entries(procedures)) {
      const description = describeProcedure(path, procedure);
      if (description) described.push(description);
    }
  }
  described.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const frozen = Object.freeze(described);
  cache.set(router, frozen);
  return frozen;
}
