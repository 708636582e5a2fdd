import { z } from "zod";

import { DomainError } from "./errors";
import { validationMessage } from "./validation-messages";

/** Parses `input` with `schema`, or throws VALIDATION with the flattened field errors. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  message: string,
): z.output<S> {
  const result = schema.safeParse(input, { error: validationMessage });
  if (result.success) return result.data;
  const flat = z.flattenError(result.error);
  throw new DomainError("VALIDATION", message, {
    details: { fieldErrors: flat.fieldErrors, formErrors: flat.formErrors },
  });
}
