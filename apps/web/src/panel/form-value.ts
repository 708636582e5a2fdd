/** The value a procedure form builds: starting values, required-field checks and the wire value. */
import { fieldOf, isRecord, type JsonSchema } from "./json-schema";

/** Text typed into a JSON editor that does not parse; blocks running until fixed. */
export class InvalidJson {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

export interface FieldIssue {
  /** `server`: the last call's validation error named this field. */
  kind: "required" | "invalidJson" | "server";
  reason?: string;
}

/** Issues keyed by field path: `""` is the whole input, `a.b.0` a nested field. */
export type Issues = ReadonlyMap<string, FieldIssue>;

export function childPath(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/** What a field holds before anyone touches it: objects are opened, switches are off. */
export function startingValue(schema: JsonSchema, root: JsonSchema, depth: number): unknown {
  const field = fieldOf(schema, root, depth);
  const fallback: unknown = field.schema.default;
  switch (field.shape.kind) {
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [name, property] of field.shape.properties) {
        if (!field.shape.required.has(name)) continue;
        const start = startingValue(property, root, depth + 1);
        if (start !== undefined) value[name] = start;
      }
      return value;
    }
    case "boolean":
      return typeof fallback === "boolean" ? fallback : false;
    case "array":
      return [];
    default:
      return undefined;
  }
}

/** The value a form opens with for a procedure's input. */
export function initialInput(schema: JsonSchema | null): unknown {
  if (!schema) return undefined;
  const field = fieldOf(schema, schema, 0);
  return field.shape.kind === "object" ? startingValue(schema, schema, 0) : undefined;
}

function collectIssues(
  schema: JsonSchema,
  root: JsonSchema,
  value: unknown,
  path: string,
  required: boolean,
  depth: number,
  issues: Map<string, FieldIssue>,
) {
  if (value instanceof InvalidJson) {
    issues.set(path, { kind: "invalidJson", reason: value.reason });
    return;
  }
  if (value === undefined) {
    if (required) issues.set(path, { kind: "required" });
    return;
  }
  const field = fieldOf(schema, root, depth);
  if (field.shape.kind === "object" && isRecord(value)) {
    for (const [name, property] of field.shape.properties) {
      const isRequired = field.shape.required.has(name);
      collectIssues(
        property,
        root,
        value[name],
        childPath(path, name),
        isRequired,
        depth + 1,
        issues,
      );
    }
  } else if (field.shape.kind === "array" && Array.isArray(value)) {
    const items = field.shape.items;
    value.forEach((item: unknown, index) => {
      collectIssues(items, root, item, childPath(path, index), true, depth + 1, issues);
    });
  }
}

/**
 * Required fields left empty and JSON that does not parse. Everything else (lengths, formats,
 * ranges) is left to the server so its validation errors can be seen as they are.
 */
export function findIssues(schema: JsonSchema | null, value: unknown): Issues {
  const issues = new Map<string, FieldIssue>();
  if (schema) collectIssues(schema, schema, value, "", false, 0, issues);
  else if (value instanceof InvalidJson)
    issues.set("", { kind: "invalidJson", reason: value.reason });
  return issues;
}

function toWire(schema: JsonSchema, root: JsonSchema, value: unknown, depth: number): unknown {
  if (value === undefined || value === null) return value;
  const field = fieldOf(schema, root, depth);
  const shape = field.shape;
  if (shape.kind === "string" && typeof value === "string") {
    if (shape.jsType === "Date") {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date;
    }
    if (shape.jsType === "BigInt" && /^-?\d+$/.test(value)) return BigInt(value);
    return value;
  }
  if (shape.kind === "object" && isRecord(value)) {
    const properties = new Map(shape.properties);
    const wire: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value)) {
      const property = properties.get(name);
      const converted = property ? toWire(property, root, entry, depth + 1) : entry;
      if (converted !== undefined) wire[name] = converted;
    }
    return wire;
  }
  if (shape.kind === "array" && Array.isArray(value)) {
    return value.map((item: unknown) => toWire(shape.items, root, item, depth + 1));
  }
  return value;
}

/** The field errors of a VALIDATION envelope (`details.fieldErrors`), as issues by field path. */
export function serverIssues(details: unknown): Issues {
  const issues = new Map<string, FieldIssue>();
  const fieldErrors = isRecord(details) ? details.fieldErrors : undefined;
  if (!isRecord(fieldErrors)) return issues;
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const texts = Array.isArray(messages)
      ? messages.filter((message): message is string => typeof message === "string")
      : [];
    if (texts.length > 0) issues.set(path, { kind: "server", reason: texts.join(" ") });
  }
  return issues;
}

/** Turns the collected value into what the procedure receives (Dates and BigInts for superjson). */
export function toWireInput(schema: JsonSchema | null, value: unknown): unknown {
  return schema ? toWire(schema, schema, value, 0) : value;
}

/** Pretty JSON for anything a procedure returns, including the types superjson restores. */
export function formatJson(value: unknown): string {
  if (value === undefined) return "undefined";
  const text: string | undefined = JSON.stringify(
    value,
    (_key: string, entry: unknown): unknown => {
      if (typeof entry === "bigint") return `${entry}n`;
      if (entry instanceof Map) return Object.fromEntries(entry);
      if (entry instanceof Set) return [...entry];
      if (entry instanceof InvalidJson) return undefined;
      return entry;
    },
    2,
  );
  return text ?? `<${typeof value}>`;
}

/** The collected value as editable JSON text (for switching from the form to the JSON editor). */
export function toJsonText(value: unknown): string {
  return value === undefined ? "" : formatJson(value);
}

/** Parses the JSON editor's text; an empty editor means no input. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch (error) {
    return new InvalidJson(text, error instanceof Error ? error.message : String(error));
  }
}
