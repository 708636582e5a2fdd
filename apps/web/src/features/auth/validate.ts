import i18n from "i18next";

import type { FieldErrors } from "../../components/form-failure";

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Shape checks that save a round trip; the server validates everything again. */
export function validateAuthForm<F extends string>(
  values: Record<F, string>,
  emailField: F,
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const field of Object.keys(values) as F[]) {
    if (values[field].trim() === "") errors[field] = [i18n.t("auth.validation.required")];
  }
  const email = values[emailField].trim();
  if (email !== "" && !EMAIL_SHAPE.test(email))
    errors[emailField] = [i18n.t("auth.validation.email")];
  return errors;
}

export const hasErrors = (errors: Partial<Record<string, string[]>>) =>
  Object.values(errors).some((messages) => (messages?.length ?? 0) > 0);
