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

const FIELDS = ["email", "password"] as const;
type SignInField = (typeof FIELDS)[number];

export function SignInPage() {
  const { t } = useTranslation();
  const resetAfterAuth = useResetAfterAuth();
  const [values, setValues] = useState<Record<SignInField, string>>({ email: "", password: "" });
  const [clientErrors, setClientErrors] = useState<FieldErrors<SignInField>>({});
  const signIn = trpc.auth.signIn.useMutation({
    meta: { errorToast: false },
    onSuccess: () => resetAfterAuth(true),
  });
  const { fieldErrors, failure, retryAt } = formFailureOf(signIn.error, signIn.submittedAt, FIELDS);
  const secondsLeft = useSecondsUntil(retryAt);

  const update = (field: SignInField) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    setClientErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = validateAuthForm(values, "email");
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    signIn.mutate({ email: values.email.trim(), password: values.password });
  };

  const errorsOf = (field: SignInField) => clientErrors[field] ?? fieldErrors[field];

  return (
    <AuthLayout
      title={t("auth.signIn.title")}
      subtitle={t("auth.signIn.subtitle")}
      footer={
        <>
          {t("auth.signIn.noAccount")}{" "}
          <Link to="/sign-up" className="font-medium text-accent hover:underline">
            {t("auth.signIn.signUpLink")}
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="space-y-4" data-testid="sign-in-form">
        <Field label={t("auth.fields.email")} errors={errorsOf("email")}>
          {({ id, invalid, describedBy }) => (
            <Input
              id={id}
              name="email"
              type="email"
              autoComplete="email"
              autoFocus
              placeholder={t("auth.fields.emailPlaceholder")}
              value={values.email}
              onChange={update("email")}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <Field label={t("auth.fields.password")} errors={errorsOf("password")}>
          {({ id, invalid, describedBy }) => (
            <PasswordInput
              id={id}
              name="password"
              autoComplete="current-password"
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
          loading={signIn.isPending}
          disabled={signIn.isPending || secondsLeft > 0}
        >
          {signIn.isPending ? t("auth.signIn.submitting") : t("auth.signIn.submit")}
        </Button>
      </form>
    </AuthLayout>
  );
}
