import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { toast } from "sonner";

import { FormFailureAlert, formFailureOf, useSecondsUntil } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
import { Field } from "../../components/ui/input";
import { readApiFailure, readErrorDetails } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { PasswordInput } from "../auth/password-input";
import { useResetAfterAuth } from "../session/use-reset-after-auth";

const REMOVES = [
  "home.deleteAccount.removesCards",
  "home.deleteAccount.removesCutouts",
  "home.deleteAccount.removesArticles",
  "home.deleteAccount.removesChats",
  "home.deleteAccount.removesTasks",
  "home.deleteAccount.removesAccess",
] as const;

/** A refusal because the password was wrong, which belongs under the field (not a session end). */
function isWrongPassword(error: unknown): boolean {
  return (
    readApiFailure(error).code === "FORBIDDEN" && readErrorDetails(error)?.field === "password"
  );
}

/**
 * Deletes the signed-in account for good after asking for its password again. On success the app
 * forgets everything it cached, as after signing out, and lands on the sign-in page.
 */
export function DeleteAccountDialog({
  open,
  email,
  onClose,
}: {
  open: boolean;
  email: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const resetAfterAuth = useResetAfterAuth();
  const [password, setPassword] = useState("");
  // Callbacks given to useMutation still run after this dialog unmounts (which signing out does).
  const remove = trpc.auth.deleteAccount.useMutation({
    meta: { errorToast: false },
    onSuccess: async () => {
      await resetAfterAuth(false);
      toast.success(t("home.deleteAccount.done"));
      await navigate("/sign-in", { replace: true });
    },
  });
  const wrongPassword = isWrongPassword(remove.error);
  const { failure, retryAt } = formFailureOf(
    wrongPassword ? null : remove.error,
    remove.submittedAt,
    [],
  );
  const secondsLeft = useSecondsUntil(retryAt);

  const close = () => {
    if (remove.isPending) return;
    setPassword("");
    remove.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === "" || remove.isPending || secondsLeft > 0) return;
    remove.mutate({ password });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={t("home.deleteAccount.title")}
      description={<Description email={email} />}
      footer={
        <>
          <Button onClick={close} disabled={remove.isPending}>
            {t("common.cancel")}
          </Button>
          <Button
            type="submit"
            form="delete-account"
            variant="danger"
            loading={remove.isPending}
            disabled={password === "" || remove.isPending || secondsLeft > 0}
            data-testid="delete-account-submit"
          >
            {remove.isPending ? t("home.deleteAccount.submitting") : t("home.deleteAccount.submit")}
          </Button>
        </>
      }
    >
      <form id="delete-account" noValidate onSubmit={submit} className="space-y-4">
        <div className="rounded-lg border border-line bg-subtle px-3.5 py-3">
          <p className="text-[13px] font-medium text-fg">{t("home.deleteAccount.removesTitle")}</p>
          <ul className="mt-1.5 list-disc space-y-0.5 pl-4 text-[13px] text-fg-muted marker:text-fg-subtle">
            {REMOVES.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        </div>
        <Field
          label={t("auth.fields.password")}
          hint={t("home.deleteAccount.passwordHint")}
          errors={wrongPassword ? [t("home.deleteAccount.wrongPassword")] : undefined}
          errorsTestId="delete-account-error"
        >
          {({ id, invalid, describedBy }) => (
            <PasswordInput
              id={id}
              name="password"
              autoComplete="current-password"
              autoFocus
              maxLength={1024}
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
                if (wrongPassword) remove.reset();
              }}
              disabled={remove.isPending}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              data-testid="delete-account-password"
            />
          )}
        </Field>
        {failure ? (
          <div data-testid="delete-account-error">
            <FormFailureAlert failure={failure} secondsLeft={secondsLeft} />
          </div>
        ) : null}
      </form>
    </Dialog>
  );
}

/** The warning, with the account's email set apart and kept on one line. */
function Description({ email }: { email: string }) {
  const { t } = useTranslation();
  const text = t("home.deleteAccount.description", { email });
  const at = text.indexOf(email);
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <span
        className="inline-block max-w-full truncate align-bottom font-medium text-fg"
        title={email}
      >
        {email}
      </span>
      {text.slice(at + email.length)}
    </>
  );
}
