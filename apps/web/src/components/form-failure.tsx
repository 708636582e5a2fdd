import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { Alert } from "./ui/alert";
import { readApiFailure } from "../lib/errors";
import type { ApiFailure } from "../lib/errors";
import { failureMessage } from "../features/errors/notify-error";

export type FieldErrors<F extends string> = Partial<Record<F, string[]>>;

interface FormFailure<F extends string> {
  /** Server field errors for the fields this form shows. */
  fieldErrors: FieldErrors<F>;
  /** A failure the fields cannot explain, shown above the submit button. */
  failure: ApiFailure | null;
  /** When the server allows another attempt (epoch ms), after a 429. */
  retryAt: number | null;
}

/** Splits a failed submission into inline field errors and one form-level message. */
export function formFailureOf<F extends string>(
  error: unknown,
  submittedAt: number,
  fields: readonly F[],
): FormFailure<F> {
  if (!error) return { fieldErrors: {}, failure: null, retryAt: null };
  const failure = readApiFailure(error);
  const fieldErrors: FieldErrors<F> = {};
  for (const field of fields) {
    const messages = failure.fieldErrors[field];
    if (messages) fieldErrors[field] = messages;
  }
  const explained = failure.code === "VALIDATION" && Object.keys(fieldErrors).length > 0;
  const retryAt = failure.retryAfterMs === null ? null : submittedAt + failure.retryAfterMs;
  return { fieldErrors, failure: explained ? null : failure, retryAt };
}

/** Seconds left until `until` (epoch ms), ticking once a second; 0 when passed or absent. */
export function useSecondsUntil(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function FormFailureAlert({
  failure,
  secondsLeft,
  issues = [],
}: {
  failure: ApiFailure;
  secondsLeft: number;
  /** What the server said about the input that no field shows, one line each. */
  issues?: readonly string[];
}) {
  const { t } = useTranslation();
  const limited = failure.code === "LIMIT_EXCEEDED";
  return (
    <Alert tone={limited ? "warning" : "danger"} title={failureMessage(failure)}>
      {limited ? (
        <p data-testid="retry-countdown">
          {secondsLeft > 0
            ? t("auth.rateLimited", { seconds: secondsLeft })
            : t("auth.rateLimitedReady")}
        </p>
      ) : null}
      {issues.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-4" data-testid="failure-issues">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      {failure.requestId ? (
        <p className="mt-1 font-mono text-xs opacity-75">
          {t("errors.requestId", { id: failure.requestId })}
        </p>
      ) : null}
    </Alert>
  );
}
