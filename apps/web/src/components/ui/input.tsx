import { useId } from "react";
import type { ComponentProps, ReactNode } from "react";

import { cx } from "../../lib/cx";
import { FieldErrorList } from "./field-errors";

export const inputClass =
  "block h-9 w-full rounded-lg border border-line bg-surface px-3 text-sm text-fg shadow-xs transition-colors placeholder:text-fg-subtle hover:border-line-strong focus:border-accent focus:ring-3 focus:ring-accent/20 focus:outline-none aria-invalid:border-danger aria-invalid:focus:ring-danger/20 disabled:opacity-60";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cx(inputClass, className)} {...props} />;
}

interface FieldProps {
  label: string;
  /** Shown under the control until there is an error. */
  hint?: ReactNode;
  errors?: string[] | undefined;
  /** `data-testid` of the error list, when tests look for it. */
  errorsTestId?: string;
  /** Optional element on the label row (e.g. a "show password" toggle). */
  aside?: ReactNode;
  children: (control: {
    id: string;
    invalid: boolean;
    describedBy: string | undefined;
  }) => ReactNode;
}

/** Label, control, hint and inline errors, wired together for screen readers. */
export function Field({ label, hint, errors, errorsTestId, aside, children }: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const invalid = (errors?.length ?? 0) > 0;
  const hasMessage = invalid || hint !== undefined;
  return (
    <div className="space-y-1.5">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-[13px] font-medium text-fg">
          {label}
        </label>
        {aside}
      </div>
      {children({ id, invalid, describedBy: hasMessage ? messageId : undefined })}
      {invalid ? (
        <FieldErrorList id={messageId} errors={errors ?? []} testId={errorsTestId} />
      ) : hint !== undefined ? (
        <p id={messageId} className="text-[13px] text-fg-subtle">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
