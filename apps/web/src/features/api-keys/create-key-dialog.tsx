import { TriangleAlert } from "lucide-react";
import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { FormFailureAlert, formFailureOf } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { CopyButton } from "../../components/ui/copy-button";
import { Dialog } from "../../components/ui/dialog";
import { Field, Input, inputClass } from "../../components/ui/input";
import { trpc } from "../../lib/trpc";
import type { CreatedApiKey } from "./types";

/** Expiry choices in days; `null` is a key that does not expire. */
const EXPIRY_OPTIONS = [null, 7, 30, 90, 365] as const;

/**
 * Creates a key, then shows the full secret exactly once. The secret lives only in this
 * component's state and is dropped when the dialog closes.
 */
export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState<(typeof EXPIRY_OPTIONS)[number]>(null);
  const [nameError, setNameError] = useState<string[] | undefined>();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const create = trpc.auth.apiKeys.create.useMutation({
    meta: { errorToast: false },
    onSuccess: (key) => {
      setCreated(key);
      void utils.auth.apiKeys.list.invalidate();
    },
  });
  const { fieldErrors, failure } = formFailureOf(create.error, create.submittedAt, [
    "name",
  ] as const);

  const close = () => {
    setName("");
    setExpiry(null);
    setNameError(undefined);
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") {
      setNameError([t("auth.validation.required")]);
      return;
    }
    create.mutate({ name: name.trim(), ...(expiry === null ? {} : { expiresInDays: expiry }) });
  };

  if (created) {
    return (
      <Dialog
        open={open}
        onClose={close}
        dismissible={false}
        title={t("apiKeys.created.title")}
        description={t("apiKeys.created.description", { name: created.name })}
        footer={
          <Button variant="primary" onClick={close} data-testid="created-key-done">
            {t("apiKeys.created.done")}
          </Button>
        }
      >
        <div className="space-y-4" data-testid="created-key-dialog">
          <div className="flex gap-2.5 rounded-lg border border-warning/35 bg-warning-soft px-3 py-2.5 text-[13px] text-fg">
            <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
            <p>{t("apiKeys.created.warning")}</p>
          </div>
          <div className="flex items-stretch gap-2">
            <input
              readOnly
              value={created.key}
              aria-label={t("apiKeys.created.keyLabel")}
              data-testid="created-key-value"
              onFocus={(event) => event.currentTarget.select()}
              className={`${inputClass} font-mono text-[13px]`}
            />
            <CopyButton value={created.key} className="h-9" data-testid="copy-created-key" />
          </div>
          <div>
            <p className="mb-1.5 text-[13px] text-fg-muted">{t("apiKeys.created.usage")}</p>
            <pre className="overflow-x-auto rounded-lg border border-line bg-subtle px-3 py-2 font-mono text-xs text-fg">
              Authorization: Bearer {created.key}
            </pre>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title={t("apiKeys.create.title")}
      description={t("apiKeys.create.description")}
      footer={
        <>
          <Button onClick={close}>{t("common.cancel")}</Button>
          <Button
            type="submit"
            form="create-api-key"
            variant="primary"
            loading={create.isPending}
            data-testid="create-key-submit"
          >
            {create.isPending ? t("apiKeys.create.submitting") : t("apiKeys.create.submit")}
          </Button>
        </>
      }
    >
      <form id="create-api-key" noValidate onSubmit={submit} className="space-y-4">
        <Field
          label={t("apiKeys.create.name")}
          hint={t("apiKeys.create.nameHint")}
          errors={nameError ?? fieldErrors.name}
        >
          {({ id, invalid, describedBy }) => (
            <Input
              id={id}
              name="name"
              autoFocus
              maxLength={80}
              placeholder={t("apiKeys.create.namePlaceholder")}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
              }}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <Field label={t("apiKeys.create.expiry")}>
          {({ id }) => (
            <select
              id={id}
              name="expiry"
              value={expiry ?? "never"}
              onChange={(event) => {
                const days = Number(event.target.value);
                setExpiry(EXPIRY_OPTIONS.find((option) => option === days) ?? null);
              }}
              className={`${inputClass} appearance-auto`}
            >
              {EXPIRY_OPTIONS.map((days) => (
                <option key={days ?? "never"} value={days ?? "never"}>
                  {days === null
                    ? t("apiKeys.create.expiryNever")
                    : t("apiKeys.create.expiryDays", { days })}
                </option>
              ))}
            </select>
          )}
        </Field>
        {failure ? <FormFailureAlert failure={failure} secondsLeft={0} /> : null}
      </form>
    </Dialog>
  );
}
