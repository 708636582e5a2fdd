import { readApiFailure } from "../../lib/errors";
import type { ApiFailure } from "../../lib/errors";

/** Where the studio shows what the server refused in a card request. */
export interface CardIssues {
  /** Messages for the template's fields, by field name. */
  fields: Record<string, string[]>;
  /** Messages for the card's own settings. */
  settings: { size?: string[]; theme?: string[]; scale?: string[] };
  /** A failure no control explains: shown on its own, with its request id. */
  failure: ApiFailure | null;
}

export const NO_ISSUES: CardIssues = { fields: {}, settings: {}, failure: null };

const SETTINGS = ["size", "theme", "scale"] as const;

function detailsField(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("data" in error)) return null;
  const { data } = error;
  if (typeof data !== "object" || data === null || !("details" in data)) return null;
  const { details } = data;
  if (typeof details !== "object" || details === null || !("field" in details)) return null;
  return typeof details.field === "string" ? details.field : null;
}

/**
 * Splits a failed card request into messages on the controls they are about: zod field errors
 * (`details.fieldErrors`) name template fields or the card's settings; an image the server could
 * not use names its field in `details.field`. Anything else is a failure of its own.
 */
export function cardIssuesOf(error: unknown, fieldNames: readonly string[]): CardIssues {
  if (!error) return NO_ISSUES;
  const failure = readApiFailure(error);
  const known = new Set(fieldNames);
  const issues: CardIssues = { fields: {}, settings: {}, failure: null };
  let explained = false;
  const imageField = detailsField(error);
  if (imageField && known.has(imageField)) {
    issues.fields[imageField] = [failure.message];
    explained = true;
  }
  for (const [name, messages] of Object.entries(failure.fieldErrors)) {
    if (known.has(name)) {
      issues.fields[name] = messages;
      explained = true;
    } else if ((SETTINGS as readonly string[]).includes(name)) {
      issues.settings[name as (typeof SETTINGS)[number]] = messages;
      explained = true;
    }
  }
  const unexplainedFields = Object.keys(failure.fieldErrors).some(
    (name) => !known.has(name) && !(SETTINGS as readonly string[]).includes(name),
  );
  if (!explained || unexplainedFields) issues.failure = failure;
  return issues;
}
