import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";
import type { ApiKey } from "./types";

/** Asks before revoking; closes when done or failed (failures arrive as toasts). */
export function RevokeKeyDialog({
  apiKey,
  onClose,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const revoke = trpc.auth.apiKeys.revoke.useMutation({
    onSuccess: async () => {
      await utils.auth.apiKeys.list.invalidate();
      toast.success(t("apiKeys.revoke.done"));
      onClose();
    },
    // The failure is shown as a toast (with its request id), which a modal would cover.
    onError: () => onClose(),
  });
  const name = apiKey?.name ?? t("apiKeys.unnamed");
  return (
    <ConfirmDialog
      open={apiKey !== null}
      pending={revoke.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (apiKey) revoke.mutate({ id: apiKey.id });
      }}
      title={t("apiKeys.revoke.title")}
      description={t("apiKeys.revoke.description", { name })}
      confirmLabel={t("apiKeys.revoke.confirm")}
      pendingLabel={t("apiKeys.revoke.revoking")}
      testId="revoke-key-confirm"
    />
  );
}
