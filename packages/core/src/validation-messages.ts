import { z } from "zod";

type RawIssue = z.core.$ZodRawIssue;

const MAX_LISTED = 8;

/** "3 characters", "1 item": a size with the unit of the value it limits. */
function sized(origin: string, limit: number | bigint): string | undefined {
  const one = limit === 1 || limit === 1n;
  switch (origin) {
    case "string":
      return `${limit} ${one ? "character" : "characters"}`;
    case "array":
    case "set":
      return `${limit} ${one ? "item" : "items"}`;
    case "file":
      return `${limit} ${one ? "byte" : "bytes"}`;
    case "number":
    case "int":
    case "bigint":
      return String(limit);
    default:
      return undefined;
  }
}

function listed(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map((value) => JSON.stringify(value) ?? String(value));
  return values.length > MAX_LISTED ? `${shown.join(", ")}, …` : shown.join(", ");
}

/** "a number", "a whole number", "an object": what an invalid_type issue expected, in words. */
function expectedKind(expected: string): string {
  if (expected === "int") return "a whole number";
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

const FORMATS: Readonly<Record<string, string>> = {
  email: "Not a valid email address",
  url: "Not a valid URL",
  uuid: "Not a valid id",
  datetime: "Not a valid date and time (ISO 8601)",
  date: "Not a valid date (YYYY-MM-DD)",
  regex: "Not in the expected format",
};

/**
 * Plain messages for the validation problems people meet ("Required", "At most 200 characters",
 * "Must be one of: …") in place of zod's defaults, which describe types rather than the field.
 * Undefined leaves zod's own message (schemas' own messages always win). For `z.config`'s
 * `customError` and the `error` option of a parse. The web app says these phrases in the page's
 * language (apps/web/src/lib/field-message.ts): change them together.
 */
export function validationMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      // A missing field is "Required"; a missing input as a whole says what it should have been.
      if (issue.input === undefined && (issue.path?.length ?? 0) > 0) return "Required";
      return `Expected ${expectedKind(issue.expected)}`;
    case "too_small": {
      if (issue.origin === "string" && issue.minimum === 1) return "Required";
      const size = sized(issue.origin, issue.minimum);
      if (size === undefined) return undefined;
      return issue.inclusive === false ? `More than ${size}` : `At least ${size}`;
    }
    case "too_big": {
      const size = sized(issue.origin, issue.maximum);
      if (size === undefined) return undefined;
      return issue.inclusive === false ? `Less than ${size}` : `At most ${size}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `Must be ${listed(issue.values)}`
        : `Must be one of: ${listed(issue.values)}`;
    case "invalid_format":
      return FORMATS[issue.format] ?? `Not a valid ${issue.format}`;
    case "not_multiple_of":
      return `Must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return `Unknown ${issue.keys.length === 1 ? "field" : "fields"}: ${issue.keys.join(", ")}`;
    default:
      return undefined;
  }
}

/** Makes `validationMessage` the messages of every schema parsed in this process (call at start). */
export function configureValidationMessages(): void {
  z.config({ customError: validationMessage });
}
