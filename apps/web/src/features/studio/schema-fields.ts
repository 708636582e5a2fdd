/**
 * A template's fields, read from its JSON Schema into the controls the studio draws, and the
 * values those controls hold turned into the `fields` a card request sends (and back).
 */

export type JsonSchema = { readonly [keyword: string]: unknown };

interface BaseSpec {
  name: string;
  required: boolean;
}

/** A sub-field of a list row: short text or a number. */
export type RowFieldSpec =
  | (BaseSpec & { kind: "text"; minLength?: number; maxLength?: number })
  | (BaseSpec & { kind: "number"; integer: boolean; minimum?: number; maximum?: number });

export type FieldSpec =
  | (BaseSpec & { kind: "text"; multiline: boolean; minLength?: number; maxLength?: number })
  | (BaseSpec & { kind: "number"; integer: boolean; minimum?: number; maximum?: number })
  | (BaseSpec & { kind: "boolean" })
  | (BaseSpec & { kind: "choice"; options: string[] })
  | (BaseSpec & { kind: "image" })
  | (BaseSpec & { kind: "list"; items: RowFieldSpec[]; minItems?: number; maxItems?: number })
  /** A shape the form has no control for: its value is kept as it came and sent back as is. */
  | (BaseSpec & { kind: "other" });

/**
 * An image field's value: one of the user's uploads (what the studio makes of a picked file), or
 * a data URL kept as it came.
 */
export interface ImageValue {
  /** What the card request sends: `upload:<id>`, or the data URL itself. */
  ref: string;
  /** The file's name, when known. */
  fileName: string | null;
  /** The file's size, when known. */
  bytes: number | null;
}

const UPLOAD_REF = /^upload:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The upload id of an `upload:<id>` reference, or null. */
export function uploadIdOf(ref: string): string | null {
  return UPLOAD_REF.exec(ref)?.[1] ?? null;
}

/** Where the picture of an image value is shown from: its upload's URL on this origin, or the data URL. */
export function imageSrc(value: ImageValue): string {
  const id = uploadIdOf(value.ref);
  return id ? `/api/uploads/${id}` : value.ref;
}

export type ListRow = Record<string, string>;

/** What a control holds: text and numbers as typed, images as references, list rows as text. */
export type FieldValue = string | boolean | ImageValue | null | ListRow[] | { other: unknown };

export type FormValues = Record<string, FieldValue>;

/** Text longer than this gets a multi-line box. */
const MULTILINE_FROM = 160;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberKeyword(schema: JsonSchema, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === "number" ? value : undefined;
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  // `["string", "null"]`: the non-null type.
  if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === "string");
    const nonNull = types.filter((entry) => entry !== "null");
    return nonNull.length === 1 ? nonNull[0] : undefined;
  }
  return undefined;
}

function limits<K extends string>(
  schema: JsonSchema,
  keys: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value = numberKeyword(schema, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function rowFieldOf(name: string, schema: JsonSchema, required: boolean): RowFieldSpec | null {
  const type = typeOf(schema);
  if (type === "string" && schema.enum === undefined) {
    return { kind: "text", name, required, ...limits(schema, ["minLength", "maxLength"]) };
  }
  if (type === "number" || type === "integer") {
    return {
      kind: "number",
      name,
      required,
      integer: type === "integer",
      ...limits(schema, ["minimum", "maximum"]),
    };
  }
  return null;
}

function requiredOf(schema: JsonSchema): Set<string> {
  const required = schema.required;
  return new Set(
    Array.isArray(required) ? required.filter((r): r is string => typeof r === "string") : [],
  );
}

function fieldOf(
  name: string,
  schema: JsonSchema,
  required: boolean,
  imageFields: ReadonlySet<string>,
): FieldSpec {
  if (imageFields.has(name)) return { kind: "image", name, required };
  const type = typeOf(schema);
  const options = Array.isArray(schema.enum)
    ? schema.enum.filter((option): option is string => typeof option === "string")
    : null;
  if (options && options.length > 0 && options.length === (schema.enum as unknown[]).length) {
    return { kind: "choice", name, required, options };
  }
  switch (type) {
    case "string": {
      const bounds = limits(schema, ["minLength", "maxLength"]);
      const multiline = (bounds.maxLength ?? Number.POSITIVE_INFINITY) > MULTILINE_FROM;
      return { kind: "text", name, required, multiline, ...bounds };
    }
    case "number":
    case "integer":
      return {
        kind: "number",
        name,
        required,
        integer: type === "integer",
        ...limits(schema, ["minimum", "maximum"]),
      };
    case "boolean":
      return { kind: "boolean", name, required };
    case "array": {
      const items = isRecord(schema.items) ? schema.items : null;
      if (!items || typeOf(items) !== "object" || !isRecord(items.properties)) break;
      const rowRequired = requiredOf(items);
      const rowFields: RowFieldSpec[] = [];
      for (const [key, property] of Object.entries(items.properties)) {
        const row = isRecord(property) ? rowFieldOf(key, property, rowRequired.has(key)) : null;
        if (!row) return { kind: "other", name, required };
        rowFields.push(row);
      }
      return {
        kind: "list",
        name,
        required,
        items: rowFields,
        ...limits(schema, ["minItems", "maxItems"]),
      };
    }
  }
  return { kind: "other", name, required };
}

/** The controls for a template's fields, in the schema's order. */
export function fieldSpecsOf(schema: JsonSchema, imageFields: readonly string[]): FieldSpec[] {
  if (!isRecord(schema.properties)) return [];
  const required = requiredOf(schema);
  const images = new Set(imageFields);
  return Object.entries(schema.properties).map(([name, property]) =>
    fieldOf(name, isRecord(property) ? property : {}, required.has(name), images),
  );
}

/** An empty row for a list field. */
export function emptyRow(spec: Extract<FieldSpec, { kind: "list" }>): ListRow {
  return Object.fromEntries(spec.items.map((item) => [item.name, ""]));
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

export interface LoadedValues {
  values: FormValues;
  /**
   * Image fields whose value could not be loaded: of an image sent inline (as a data URL), a card
   * keeps only a digest (`sha256:…`), so a reopened card needs it picked again.
   */
  missingImages: string[];
}

/** Control values for field values (a template's sample, or a card from history). */
export function valuesFromFields(
  specs: readonly FieldSpec[],
  fields: Record<string, unknown>,
): LoadedValues {
  const values: FormValues = {};
  const missingImages: string[] = [];
  for (const spec of specs) {
    const value = fields[spec.name];
    switch (spec.kind) {
      case "text":
      case "number":
      case "choice":
        values[spec.name] = text(value);
        break;
      case "boolean":
        values[spec.name] = value === true;
        break;
      case "image":
        if (typeof value === "string" && uploadIdOf(value)) {
          values[spec.name] = { ref: value, fileName: null, bytes: null };
        } else if (typeof value === "string" && /^data:/i.test(value)) {
          values[spec.name] = { ref: value, fileName: null, bytes: dataUrlBytes(value) };
        } else {
          values[spec.name] = null;
          if (typeof value === "string" && value !== "") missingImages.push(spec.name);
        }
        break;
      case "list":
        values[spec.name] = Array.isArray(value)
          ? value
              .filter(isRecord)
              .map((row) =>
                Object.fromEntries(spec.items.map((item) => [item.name, text(row[item.name])])),
              )
          : [];
        break;
      case "other":
        values[spec.name] = { other: value };
        break;
    }
  }
  return { values, missingImages };
}

export function isImageValue(value: FieldValue | undefined): value is ImageValue {
  return isRecord(value) && "ref" in value && typeof value.ref === "string";
}

/** Bytes a base64 data URL decodes to. */
export function dataUrlBytes(dataUrl: string): number {
  const comma = dataUrl.indexOf(",");
  const base64 = comma === -1 ? "" : dataUrl.slice(comma + 1);
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function numberOrUndefined(raw: string): number | undefined {
  if (raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The `fields` of a card request. Empty optional values are left out (the template's defaults
 * apply); empty required text is sent, so the server names the field in its answer.
 */
export function fieldsFromValues(
  specs: readonly FieldSpec[],
  values: FormValues,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = values[spec.name];
    switch (spec.kind) {
      case "text":
      case "choice": {
        const raw = typeof value === "string" ? value : "";
        if (raw.trim() !== "" || spec.required) fields[spec.name] = raw;
        break;
      }
      case "number": {
        const number = typeof value === "string" ? numberOrUndefined(value) : undefined;
        if (number !== undefined) fields[spec.name] = number;
        break;
      }
      case "boolean":
        fields[spec.name] = value === true;
        break;
      case "image":
        if (isImageValue(value)) fields[spec.name] = value.ref;
        break;
      case "list": {
        const rows = Array.isArray(value) ? value : [];
        fields[spec.name] = rows
          .filter((row) => spec.items.some((item) => (row[item.name] ?? "").trim() !== ""))
          .map((row) =>
            Object.fromEntries(
              spec.items.flatMap((item): [string, string | number][] => {
                const raw = row[item.name] ?? "";
                if (item.kind === "number") {
                  const number = numberOrUndefined(raw);
                  return number === undefined ? [] : [[item.name, number]];
                }
                return [[item.name, raw]];
              }),
            ),
          );
        break;
      }
      case "other":
        if (isRecord(value) && "other" in value && value.other !== undefined) {
          fields[spec.name] = value.other;
        }
        break;
    }
  }
  return fields;
}

/** The first text the card shows prominently (a title, a headline…), for naming downloads. */
export function headlineOf(specs: readonly FieldSpec[], values: FormValues): string {
  for (const spec of specs) {
    if (spec.kind !== "text" || !spec.required) continue;
    const value = values[spec.name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return "";
}
