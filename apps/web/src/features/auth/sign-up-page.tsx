import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { Button } from "../../components/ui/button";
import { Field, Input } from "../../components/ui/input";
import { trpc } from "../../lib/trpc";
import { useResetAfterAuth } from "../session/use-reset-after-auth";
import { AuthLayout } from "./auth-layout";
import { FormFailureAlert, formFailureOf, useSecondsUntil } from "../../components/form-failure";
import type { FieldErrors } from "../../components/form-failure";
import { PasswordInput } from "./password-input";
import { hasErrors, validateAuthForm } from "./validate";

const FIELDS = ["name", "email", "password"] as const;
type SignUpField = (typeof FIELDS)[number];

/** The server's minimum, repeated here only as a hint under the field. */
const PASSWORD_MIN_LENGTH = 8;

export function SignUpPage() {
  const { t } = useTranslation();
  const resetAfterAuth = useResetAfterAuth();
  const [values, setValues] = useState<Record<SignUpField, string>>({
    name: "",
    email: "",
    password: "",
  });
  const [clientErrors, setClientErrors] = useState<FieldErrors<SignUpField>>({});
  const signUp = trpc.auth.signUp.useMutation({
    meta: { errorToast: false },
    onSuccess: () => resetAfterAuth(true),
  });
  const { fieldErrors, failure, retryAt } = formFailureOf(signUp.error, signUp.submittedAt, FIELDS);
  const secondsLeft = useSecondsUntil(retryAt);

  const update = (field: SignUpField) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    setClientErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = validateAuthForm(values, "email");
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    signUp.mutate({
      name: values.name.trim(),
      email: values.email.trim(),
      password: values.password,
    });
  };

  const errorsOf = (field: SignUpField) => clientErrors[field] ?? fieldErrors[field];

  return (
    <AuthLayout
      title={t("auth.signUp.title")}
      subtitle={t("auth.signUp.subtitle")}
      footer={
        <>
          {t("auth.signUp.haveAccount")}{" "}
          <Link to="/sign-in" className="font-medium text-accent hover:underline">
            {t("auth.signUp.signInLink")}
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="space-y-4" data-testid="sign-up-form">
        <Field label={t("auth.fields.name")} errors={errorsOf("name")}>
          {({ id, invalid, describedBy }) => (
            <Input
              id={id}
              name="name"
              autoComplete="name"
              autoFocus
              placeholder={t("auth.fields.namePlaceholder")}
              value={values.name}
              onChange={update("name")}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <Field label={t("auth.fields.email")} errors={errorsOf("email")}>
          {({ id, invalid, describedBy }) => (
            <Input
              id={id}
              name="email"
              type="email"
              autoComplete="email"
              placeholder={t("auth.fields.emailPlaceholder")}
              value={values.email}
              onChange={update("email")}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <Field
          label={t("auth.fields.password")}
          hint={t("auth.fields.passwordHint", { min: PASSWORD_MIN_LENGTH })}
          errors={errorsOf("password")}
        >
          {({ id, invalid, describedBy }) => (
            <PasswordInput
              id={id}
              name="password"
              autoComplete="new-password"
              value={values.password}
              onChange={update("password")}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        {failure ? <FormFailureAlert failure={failure} secondsLeft={secondsLeft} /> : null}
        <Button
          type="submit"
          variant="primary"
          size="lg"
          className="w-full"
          loading={signUp.isPending}
          disabled={signUp.isPending || secondsLeft > 0}
        >
          {signUp.isPending ? t("auth.signUp.submitting") : t("auth.signUp.submit")}
        </Button>
      </form>
    </AuthLayout>
  );
}
