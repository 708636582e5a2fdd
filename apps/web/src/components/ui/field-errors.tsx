import { useTranslation } from "react-i18next";

import { localizeFieldMessage } from "../../lib/field-message";

interface FieldErrorListProps {
  /** The id the control's `aria-describedby` points at. */
  id: string;
  errors: readonly string[];
  testId?: string | undefined;
}

/** A control's errors under it, announced; the server's phrases in the page's language. */
export function FieldErrorList({ id, errors, testId }: FieldErrorListProps) {
  const { t } = useTranslation();
  return (
    <ul id={id} className="space-y-0.5 text-[13px] text-danger" role="alert" data-testid={testId}>
      {errors.map((message) => (
        <li key={message}>{localizeFieldMessage(message, t)}</li>
      ))}
    </ul>
  );
}
