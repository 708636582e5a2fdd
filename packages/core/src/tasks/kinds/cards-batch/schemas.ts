import { z } from "zod";

import {
  CardScale,
  CardSize,
  CardTheme,
  CardVisibility,
  CreateCardInput,
  ImageFormat,
  getTemplate,
  listTemplates,
  type CardWarning,
} from "../../../generate";
import { parseCardsCsv } from "./csv";

/** Most cards in one batch, from JSON rows or CSV lines alike. */
export const CARDS_BATCH_MAX_ROWS = 500;
/** Largest row data: the CSV text, or the JSON rows serialised (1 MiB). */
export const CARDS_BATCH_MAX_DATA_BYTES = 1024 * 1024;
/** Largest zip a batch may produce (256 MiB); past it the batch fails rather than the worker. */
export const CARDS_BATCH_MAX_ZIP_BYTES = 256 * 1024 * 1024;
/** Longest file-name pattern. */
export const CARDS_BATCH_MAX_PATTERN = 200;

/** A column or field name, as the card request limits it. */
const FieldName = z.string().min(1).max(64);

/**
 * The values a row gives its card's fields, by field name. Columns the template does not have
 * are allowed (the file-name pattern may use them) and left out of the card.
 */
export type CardsBatchRow = Record<string, unknown>;

const JsonRow = z.record(FieldName, z.json());

/**
 * A `cards.batch` task's input: one template and one set of card options for every card, and
 * the rows that fill its fields, either as JSON objects (`rows`) or as CSV text whose header line
 * names the fields (`csv`). Image fields should name the owner's uploads (`upload:<id>`).
 */
export const CardsBatchInput = z
  .strictObject({
    templateId: z.string().min(1).max(64),
    size: CardSize.default({ preset: "og" }),
    theme: CardTheme.default({ preset: "light" }),
    format: ImageFormat.default("png"),
    scale: CardScale.default(1),
    quality: z.int().min(1).max(100).optional(),
    visibility: CardVisibility.default("private"),
    /** Field values per card: strings, numbers (written as text), or JSON for list fields. */
    rows: z.array(JsonRow).min(1).max(CARDS_BATCH_MAX_ROWS).optional(),
    /** RFC 4180 CSV, UTF-8, header line first; quoted values may hold commas and line breaks. */
    csv: z.string().min(1).max(CARDS_BATCH_MAX_DATA_BYTES).optional(),
    /**
     * How files in the zip are named: `{index}` is the row number (zero-padded), `{name}` the
     * row's value of column `name`. Names are reduced to safe ASCII and made unique; the
     * extension follows the format. Defaults to `card-{index}`.
     */
    fileName: z.string().trim().min(1).max(CARDS_BATCH_MAX_PATTERN).optional(),
  })
  .superRefine((input, ctx) => {
    if (!getTemplate(input.templateId)) {
      ctx.addIssue({
        code: "custom",
        path: ["templateId"],
        message: `There is no template "${input.templateId}"; use one of ${listTemplates()
          .map((t) => t.id)
          .join(", ")}`,
      });
    }
    if ((input.rows === undefined) === (input.csv === undefined)) {
      ctx.addIssue({ code: "custom", message: "Send the rows either as `rows` or as `csv`" });
    }
    if (input.csv !== undefined && Buffer.byteLength(input.csv) > CARDS_BATCH_MAX_DATA_BYTES) {
      ctx.addIssue({ code: "custom", path: ["csv"], message: tooMuchData("The CSV") });
    }
    if (
      input.rows !== undefined &&
      Buffer.byteLength(JSON.stringify(input.rows)) > CARDS_BATCH_MAX_DATA_BYTES
    ) {
      ctx.addIssue({ code: "custom", path: ["rows"], message: tooMuchData("The rows") });
    }
    // The options every card shares, checked as a card request (output size limits and all).
    const { rows: _rows, csv: _csv, fileName: _fileName, ...options } = input;
    const card = CreateCardInput.safeParse({ ...options, fields: {} });
    if (!card.success) {
      for (const issue of card.error.issues) {
        ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      }
    }
  })
  .transform((input, ctx) => {
    const { csv, rows: jsonRows, ...rest } = input;
    let rows: CardsBatchRow[] = [];
    if (csv !== undefined) {
      const parsed = parseCardsCsv(csv, CARDS_BATCH_MAX_ROWS);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", path: ["csv"], message: parsed.message, input: csv });
        return z.NEVER;
      }
      rows = parsed.rows;
    } else if (jsonRows !== undefined) {
      rows = jsonRows.map(jsonRowFields);
    }
    return { ...rest, rows };
  });
export type CardsBatchInput = z.input<typeof CardsBatchInput>;
/** The input as the handler gets it: CSV already read into rows, defaults filled in. */
export type CardsBatchJob = z.output<typeof CardsBatchInput>;

function tooMuchData(what: string): string {
  return `${what} must be at most ${CARDS_BATCH_MAX_DATA_BYTES / 1024 / 1024} MiB; upload images first and name them as upload:<id>, or split the batch`;
}

/**
 * A JSON row as field values: blanks (null, "") are left out, like empty CSV cells, so optional
 * fields can be skipped; numbers and booleans become text; lists and objects stay as they are.
 */
function jsonRowFields(row: Record<string, unknown>): CardsBatchRow {
  const fields: CardsBatchRow = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === "") continue;
    fields[name] = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  }
  return fields;
}

/** One file the task stored. */
export type CardsBatchFile = { name: string; key: string; bytes: number; contentType: string };

/** Warnings of one row's card (characters no font has, text cut short); the card was made. */
export type CardsBatchRowWarnings = { row: number; warnings: CardWarning[] };

/** A `cards.batch` task's output. */
export type CardsBatchOutput = {
  /** The zip: every card plus `manifest.json`. */
  files: CardsBatchFile[];
  /** Cards in the zip (one per row). */
  count: number;
  /** Only rows whose card has warnings, by 1-based row number. */
  warnings: CardsBatchRowWarnings[];
};

/** One card in `manifest.json`. */
export type CardsBatchManifestEntry = {
  /** 1-based row number (for CSV: the first line under the header is row 1). */
  row: number;
  file: string;
  cardId: string;
  key: string;
  width: number;
  height: number;
  bytes: number;
  warnings: CardWarning[];
};

/** `manifest.json` in the zip. */
export type CardsBatchManifest = {
  taskId: string;
  templateId: string;
  format: ImageFormat;
  count: number;
  cards: CardsBatchManifestEntry[];
};
