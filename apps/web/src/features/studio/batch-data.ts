import type { FieldSpec, FormValues } from "./schema-fields";
import type { BatchRow } from "./types";

/** The server's limits for one batch (see the `cards.batch` kind). */
export const BATCH_MAX_ROWS = 500;
export const BATCH_MAX_BYTES = 1024 * 1024;
export const DEFAULT_FILE_NAME_PATTERN = "card-{index}";

/** Pasted or uploaded rows, as far as the studio reads them before sending. */
export type BatchData =
  | { kind: "empty" }
  | { kind: "csv"; csv: string; columns: string[]; rows: number; bytes: number }
  | { kind: "json"; rows: BatchRow[]; columns: string[]; bytes: number }
  | { kind: "invalid"; problem: "json" | "jsonShape" | "csvHeader"; detail: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * CSV records (RFC 4180: quoted values may hold commas, doubled quotes and line breaks), skipping
 * empty lines. Only to count rows and name columns here; the server reads the CSV itself.
 */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(cell);
    // An empty line is no record; a line of empty cells is one (the server skips it as a row).
    if (record.length > 1 || record[0] !== "") records.push(record);
    record = [];
    cell = "";
  };
  for (; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(cell);
      cell = "";
    } else if (char === "\r" || char === "\n") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else cell += char;
  }
  if (cell !== "" || record.length > 0) endRecord();
  return records;
}

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * What the text is: JSON (an array of row objects, or `{ "rows": [...] }`) when it starts like
 * JSON, else CSV with a header line.
 */
export function readBatchData(text: string): BatchData {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "empty" };
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      return {
        kind: "invalid",
        problem: "json",
        detail: error instanceof Error ? error.message : "",
      };
    }
    const rows = isRecord(parsed) ? parsed.rows : parsed;
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRecord)) {
      return { kind: "invalid", problem: "jsonShape", detail: "" };
    }
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    // Parsed from JSON text, so every value is JSON.
    const jsonRows = rows as BatchRow[];
    return { kind: "json", rows: jsonRows, columns, bytes: byteLength(JSON.stringify(rows)) };
  }
  const [header = [], ...lines] = csvRecords(text);
  const columns = header.map((name) => name.trim()).filter(Boolean);
  if (columns.length === 0) return { kind: "invalid", problem: "csvHeader", detail: "" };
  const rows = lines.filter((line) => line.some((value) => value.trim() !== "")).length;
  return { kind: "csv", csv: text, columns, rows, bytes: byteLength(text) };
}

export function rowCountOf(data: BatchData): number {
  if (data.kind === "csv") return data.rows;
  if (data.kind === "json") return data.rows.length;
  return 0;
}

/** Why the data cannot be sent yet, or null when it can. */
export function batchProblem(data: BatchData): "empty" | "tooMany" | "tooLarge" | "invalid" | null {
  if (data.kind === "empty") return "empty";
  if (data.kind === "invalid") return "invalid";
  if (rowCountOf(data) > BATCH_MAX_ROWS) return "tooMany";
  if (data.bytes > BATCH_MAX_BYTES) return "tooLarge";
  return null;
}

/** How the columns meet the template's fields. */
export interface ColumnMatch {
  /** Columns that fill a field. */
  used: string[];
  /** Required fields no column fills (each row then needs… nothing to fill them: it fails). */
  missing: string[];
  /** Columns no field takes: left out of the cards (a file-name pattern may still use them). */
  unknown: string[];
}

export function matchColumns(
  specs: readonly Pick<FieldSpec, "name" | "required">[],
  columns: readonly string[],
  pattern: string,
): ColumnMatch {
  const fields = new Set(specs.map((spec) => spec.name));
  const present = new Set(columns);
  return {
    used: columns.filter((column) => fields.has(column)),
    missing: specs.filter((spec) => spec.required && !present.has(spec.name)).map((s) => s.name),
    unknown: columns.filter((column) => !fields.has(column) && !pattern.includes(`{${column}}`)),
  };
}

/** Fields a CSV cell can fill: text, numbers, choices and switches (lists need JSON rows). */
export function csvFieldNames(specs: readonly FieldSpec[]): string[] {
  return specs
    .filter((spec) => spec.kind !== "list" && spec.kind !== "other" && spec.kind !== "image")
    .map((spec) => spec.name);
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/** A CSV to start from: the template's text fields as the header, the editor's values as row 1. */
export function exampleCsv(specs: readonly FieldSpec[], values: FormValues): string {
  const names = csvFieldNames(specs);
  const row = names.map((name) => {
    const value = values[name];
    if (typeof value === "string") return csvCell(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    return "";
  });
  return `${names.join(",")}\n${row.join(",")}\n`;
}
