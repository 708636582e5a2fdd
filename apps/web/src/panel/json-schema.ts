/** Reading the JSON Schemas the host publishes at /panel/schema.json, narrowly and defensively. */

export type JsonSchema = { readonly [keyword: string]: unknown };

export type EnumOption = string | number | boolean | null;

/** How the form edits a value of this schema. Anything without a field widget is `raw` JSON. */
export type FieldShape =
  | { kind: "string"; format: string | undefined; jsType: "Date" | "BigInt" | undefined }
  | { kind: "number"; integer: boolean }
  | { kind: "boolean" }
  | { kind: "enum"; options: EnumOption[] }
  | { kind: "object"; properties: [string, JsonSchema][]; required: ReadonlySet<string> }
  | { kind: "array"; items: JsonSchema }
  /** A union of plain types (`string | integer`): typed as text, sent as the type it reads as. */
  | { kind: "scalar"; types: ScalarType[] }
  | { kind: "raw" };

export type ScalarType = "string" | "number" | "integer" | "boolean";

export interface Field {
  /** The schema after `$ref` resolution and with a `null` branch removed. */
  schema: JsonSchema;
  shape: FieldShape;
  /** `null` is an accepted value. */
  nullable: boolean;
}

/** Deeper than this the form shows a JSON editor; keeps recursive schemas finite. */
export const MAX_FORM_DEPTH = 6;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSchema(value: unknown): value is JsonSchema {
  return isRecord(value);
}

function isEnumOption(value: unknown): value is EnumOption {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

export function stringKeyword(schema: JsonSchema, keyword: string): string | undefined {
  const value = schema[keyword];
  return typeof value === "string" ? value : undefined;
}

export function numberKeyword(schema: JsonSchema, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === "number" ? value : undefined;
}

/** Follows local references (`#` and `#/$defs/Name`), keeping sibling keywords such as `description`. */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 10; hops += 1) {
    const ref = stringKeyword(current, "$ref");
    if (ref === undefined) return current;
    let target: unknown;
    if (ref === "#") target = root;
    else if (ref.startsWith("#/")) {
      target = root;
      for (const segment of ref.slice(2).split("/")) {
        const key = segment.replaceAll("~1", "/").replaceAll("~0", "~");
        target = isRecord(target) ? target[key] : undefined;
      }
    }
    if (!isSchema(target)) return {};
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return {};
}

function isNullSchema(schema: unknown): boolean {
  return isSchema(schema) && schema.type === "null";
}

/** Splits `anyOf: [X, {type: "null"}]` and `type: [X, "null"]` into X plus a nullable flag. */
function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const anyOf = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some(isNullSchema)) {
    const other: unknown = anyOf.find((branch) => !isNullSchema(branch));
    if (isSchema(other)) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = schema;
      return { schema: { ...other, ...siblings }, nullable: true };
    }
  }
  const type = schema.type;
  if (Array.isArray(type) && type.length === 2 && type.includes("null")) {
    const other: unknown = type.find((entry) => entry !== "null");
    return { schema: { ...schema, type: other }, nullable: true };
  }
  return { schema, nullable: false };
}

function isScalarType(value: unknown): value is ScalarType {
  return value === "string" || value === "number" || value === "integer" || value === "boolean";
}

/** The branch types of `anyOf`/`oneOf` when every branch is a plain string, number or boolean. */
function scalarUnion(schema: JsonSchema): ScalarType[] | null {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(branches) || branches.length < 2) return null;
  const types: ScalarType[] = [];
  for (const branch of branches) {
    if (!isSchema(branch) || !isScalarType(branch.type) || "$ref" in branch) return null;
    if (!types.includes(branch.type)) types.push(branch.type);
  }
  return types;
}

/** Reads text typed into a scalar-union field as the first type it fits: number, boolean, string. */
export function readScalar(text: string, types: readonly ScalarType[]): string | number | boolean {
  const trimmed = text.trim();
  const numeric = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed);
  if (numeric && (types.includes("number") || types.includes("integer"))) return Number(trimmed);
  if ((trimmed === "true" || trimmed === "false") && types.includes("boolean")) {
    return trimmed === "true";
  }
  return text;
}

function shapeOf(schema: JsonSchema): FieldShape {
  const options = schema.enum;
  if (Array.isArray(options) && options.length > 0 && options.every(isEnumOption)) {
    return { kind: "enum", options };
  }
  if ("const" in schema && isEnumOption(schema.const))
    return { kind: "enum", options: [schema.const] };
  const scalars = scalarUnion(schema);
  if (scalars) return { kind: "scalar", types: scalars };
  // Other combinators and conditionals have no single widget.
  for (const keyword of ["anyOf", "oneOf", "allOf", "not", "if", "prefixItems"]) {
    if (keyword in schema) return { kind: "raw" };
  }
  switch (schema.type) {
    case "string": {
      const jsType = schema["x-js-type"];
      return {
        kind: "string",
        format: stringKeyword(schema, "format"),
        jsType: jsType === "Date" || jsType === "BigInt" ? jsType : undefined,
      };
    }
    case "number":
    case "integer":
      return { kind: "number", integer: schema.type === "integer" };
    case "boolean":
      return { kind: "boolean" };
    case "array":
      return isSchema(schema.items) ? { kind: "array", items: schema.items } : { kind: "raw" };
    case "object": {
      const properties = schema.properties;
      // Records (only `additionalProperties`) are edited as JSON.
      if (!isRecord(properties) || Object.keys(properties).length === 0) return { kind: "raw" };
      const entries = Object.entries(properties).filter((entry): entry is [string, JsonSchema] =>
        isSchema(entry[1]),
      );
      const required = Array.isArray(schema.required)
        ? schema.required.filter((name): name is string => typeof name === "string")
        : [];
      return { kind: "object", properties: entries, required: new Set(required) };
    }
    default:
      return { kind: "raw" };
  }
}

export function fieldOf(schema: JsonSchema, root: JsonSchema, depth: number): Field {
  const resolved = withoutNull(resolveRef(schema, root));
  const inner = resolveRef(resolved.schema, root);
  const shape = depth > MAX_FORM_DEPTH ? { kind: "raw" as const } : shapeOf(inner);
  return { schema: inner, shape, nullable: resolved.nullable };
}

/** The procedure description as served by the host. */
export type ProcedureKind = "query" | "mutation" | "subscription";

export interface PanelProcedure {
  path: string;
  type: ProcedureKind;
  input: JsonSchema | null;
  output: JsonSchema | null;
  meta: Record<string, unknown> | null;
}

function isKind(value: unknown): value is ProcedureKind {
  return value === "query" || value === "mutation" || value === "subscription";
}

/** Validates the body of /panel/schema.json; unknown entries are skipped rather than trusted. */
export function parseDescription(body: unknown): PanelProcedure[] {
  const list = isRecord(body) ? body.procedures : undefined;
  if (!Array.isArray(list)) throw new Error("The panel description has no procedures list");
  const procedures: PanelProcedure[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.path !== "string" || !isKind(entry.type)) continue;
    procedures.push({
      path: entry.path,
      type: entry.type,
      input: isSchema(entry.input) ? entry.input : null,
      output: isSchema(entry.output) ? entry.output : null,
      meta: isRecord(entry.meta) ? entry.meta : null,
    });
  }
  return procedures;
}

/** `auth.signIn` → `auth`; top-level procedures share the empty namespace. */
export function namespaceOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot === -1 ? "" : path.slice(0, dot);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1);
}
