import { DomainError, isDomainError } from "../../../errors";
import {
  planCard,
  type CardPlan,
  type CardTemplate,
  type CreateCardInput,
  type GenerateDeps,
} from "../../../generate";
import { findOwnUploads, uploadIdOf } from "../../../uploads";
import type { CardsBatchJob, CardsBatchRow } from "./schemas";

/** Most rows named in a failed batch's details (the message names fewer). */
const MAX_REPORTED_ROWS = 100;
const ROWS_IN_MESSAGE = 5;

/** Why one row cannot be a card. */
export interface RowProblem {
  /** 1-based row number (for CSV: the first line under the header is row 1). */
  row: number;
  message: string;
  fieldErrors: Record<string, string[]>;
}

/** The card request for one row: the batch's options and the row's values for template fields. */
export function rowCardInput(
  job: CardsBatchJob,
  template: CardTemplate,
  row: CardsBatchRow,
): CreateCardInput {
  const fields: Record<string, unknown> = {};
  for (const name of Object.keys(template.fields.shape)) {
    if (row[name] !== undefined) fields[name] = row[name];
  }
  const { rows: _rows, fileName: _fileName, ...options } = job;
  return { ...options, fields };
}

/**
 * Plans every row's card (its fields checked with the template's schema, its uploads found among
 * the owner's own) before anything is drawn. Any row that cannot be a card fails the whole batch
 * with VALIDATION naming the rows and their field errors.
 */
export async function planRows(
  deps: Pick<GenerateDeps, "db">,
  userId: string,
  job: CardsBatchJob,
  template: CardTemplate,
): Promise<CardPlan[]> {
  const inputs = job.rows.map((row) => rowCardInput(job, template, row));
  // One query for every upload the batch names.
  const ids = new Set<string>();
  for (const input of inputs) {
    for (const field of template.imageFields) {
      const value = input.fields[field];
      const id = typeof value === "string" ? uploadIdOf(value) : undefined;
      if (id) ids.add(id);
    }
  }
  const uploads = await findOwnUploads(deps.db, { userId, ids: [...ids] });

  const plans: CardPlan[] = [];
  const problems: RowProblem[] = [];
  inputs.forEach((input, i) => {
    try {
      plans.push(planCard(input, uploads));
    } catch (error) {
      if (!isDomainError(error) || error.code !== "VALIDATION") throw error;
      problems.push({ row: i + 1, message: error.message, fieldErrors: fieldErrorsOf(error) });
    }
  });
  if (problems.length > 0) throw invalidRows(template, problems);
  return plans;
}

function fieldErrorsOf(error: DomainError): Record<string, string[]> {
  const errors = error.details?.fieldErrors;
  if (typeof errors !== "object" || errors === null) return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors)) {
    if (Array.isArray(messages)) result[field] = messages.map(String);
  }
  return result;
}

/** VALIDATION for rows that cannot be cards: the message names the first few, details up to 100. */
function invalidRows(template: CardTemplate, problems: RowProblem[]): DomainError {
  const describe = ({ row, message, fieldErrors }: RowProblem) => {
    const [field, messages] = Object.entries(fieldErrors)[0] ?? [];
    return field === undefined
      ? `row ${row}: ${message}`
      : `row ${row}, ${field}: ${messages?.[0] ?? message}`;
  };
  const shown = problems.slice(0, ROWS_IN_MESSAGE).map(describe).join("; ");
  const more =
    problems.length > ROWS_IN_MESSAGE
      ? ` (and ${problems.length - ROWS_IN_MESSAGE} more rows)`
      : "";
  const count = problems.length === 1 ? "1 row does" : `${problems.length} rows do`;
  return new DomainError(
    "VALIDATION",
    `${count} not fit the "${template.id}" template, so no card was made: ${shown}${more}`,
    {
      details: {
        rows: problems.slice(0, MAX_REPORTED_ROWS),
        invalidRows: problems.length,
      },
    },
  );
}
