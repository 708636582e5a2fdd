import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
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
    <Dialog
      open={apiKey !== null}
      onClose={() => {
        if (!revoke.isPending) onClose();
      }}
      title={t("apiKeys.revoke.title")}
      description={t("apiKeys.revoke.description", { name })}
      footer={
        <>
          <Button onClick={onClose} disabled={revoke.isPending}>
            {t("common.cancel")}
          </Button>
          <Button
            variant="danger"
            loading={revoke.isPending}
            data-testid="revoke-key-confirm"
            onClick={() => {
              if (apiKey) revoke.mutate({ id: apiKey.id });
            }}
          >
            {revoke.isPending ? t("apiKeys.revoke.revoking") : t("apiKeys.revoke.confirm")}
          </Button>
        </>
      }
    />
  );
}
