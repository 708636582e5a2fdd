import i18n from "i18next";
import { toast } from "sonner";

import { copyText } from "../../lib/copy-text";
import { readApiFailure } from "../../lib/errors";
import type { ApiFailure } from "../../lib/errors";

/** The message to show for a failure: the server's own words, or ours when it was not reached. */
export function failureMessage(failure: ApiFailure): string {
  if (failure.code === "NETWORK") return i18n.t("errors.network");
  return failure.message || i18n.t("errors.generic");
}

/** A toast with the server's message and its request id, which the user can copy for support. */
export function notifyError(error: unknown) {
  const failure = readApiFailure(error);
  const { requestId } = failure;
  toast.error(failureMessage(failure), {
    id: requestId ?? failure.code,
    duration: 10_000,
    description: requestId ? (
      <span className="font-mono text-xs">{i18n.t("errors.requestId", { id: requestId })}</span>
    ) : undefined,
    action: requestId
      ? {
          label: i18n.t("errors.copyRequestId"),
          onClick: (event) => {
            event.preventDefault();
            void copyText(requestId).then((ok) => {
              if (ok) toast.success(i18n.t("errors.requestIdCopied"), { duration: 2000 });
              else toast.error(i18n.t("common.copyFailed"));
            });
          },
        }
      : undefined,
  });
}

export function notifySessionEnded() {
  toast.info(i18n.t("errors.sessionEnded"), { id: "session-ended" });
}
