import { CsvError, parse } from "csv-parse/sync";

/** Rows read from CSV text, or why it could not be read (a message safe to show). */
export type CsvRows = { ok: true; rows: Record<string, string>[] } | { ok: false; message: string };

const MAX_COLUMN_NAME = 64;

interface CsvRecord {
  record: string[];
  /** `lines`: the line the record ends on (1-based). */
  info: { lines: number };
}

/**
 * Reads CSV text (RFC 4180, UTF-8 with or without a BOM, any line ending) whose first line names
 * the columns. Quoted values may hold commas, quotes (doubled) and line breaks. Blank lines and
 * lines of empty cells are skipped; empty cells (and cells missing at the end of a short line)
 * are left out of their row, as an optional field left blank. Column names are trimmed and must
 * be unique. More than `maxRows` rows is refused.
 */
export function parseCardsCsv(text: string, maxRows: number): CsvRows {
  let records: CsvRecord[];
  try {
    // With `info`, each record comes with where it ends (the typings only know plain records).
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      // Short lines are fine (the missing cells are blank); long ones are checked below.
      relax_column_count: true,
      info: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, message: csvErrorMessage(error) };
    throw error;
  }

  const [header, ...lines] = records;
  // Unnamed columns (a spreadsheet's trailing commas) are ignored while they stay empty.
  const columns = (header?.record ?? []).map((name) => name.trim() || undefined);
  if (!columns.some((name) => name !== undefined)) {
    return { ok: false, message: "The CSV has no header: its first line must name the fields" };
  }
  const seen = new Set<string>();
  for (const name of columns) {
    if (name === undefined) continue;
    if (name.length > MAX_COLUMN_NAME) {
      return {
        ok: false,
        message: `The column name "${name.slice(0, 20)}…" is longer than ${MAX_COLUMN_NAME} characters`,
      };
    }
    if (seen.has(name)) return { ok: false, message: `The header names "${name}" twice` };
    seen.add(name);
  }

  const rows: Record<string, string>[] = [];
  for (const { record, info } of lines) {
    const row: Record<string, string> = {};
    for (const [i, value] of record.entries()) {
      if (value === "") continue;
      const column = columns[i];
      if (column === undefined) {
        return {
          ok: false,
          message: `Line ${info.lines} has a value in column ${i + 1}, which the header does not name`,
        };
      }
      row[column] = value;
    }
    if (Object.keys(row).length === 0) continue;
    if (rows.length === maxRows) {
      return { ok: false, message: `The CSV has more than ${maxRows} rows; split the batch` };
    }
    rows.push(row);
  }
  if (rows.length === 0) return { ok: false, message: "The CSV has no rows under its header" };
  return { ok: true, rows };
}

/** What went wrong, in our words (the parser's own messages are not shown). */
function csvErrorMessage(error: CsvError): string {
  const line = typeof error.lines === "number" ? error.lines : undefined;
  const at = line === undefined ? "" : ` on line ${line}`;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `A quoted value is never closed${line === undefined ? "" : ` (the CSV ends at line ${line})`}`;
    case "CSV_INVALID_CLOSING_QUOTE":
    case "INVALID_OPENING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return `A quote is out of place${at}: put values with commas, quotes or line breaks in double quotes, and double every quote inside them ("")`;
    default:
      return `The CSV could not be read${at}`;
  }
}
