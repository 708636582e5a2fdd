import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";
import type { HistoryCard } from "./types";

/** Asks before deleting a card; closes when done or failed (failures arrive as toasts). */
export function DeleteCardDialog({
  card,
  name,
  onClose,
  onDeleted,
}: {
  card: HistoryCard | null;
  name: string;
  onClose: () => void;
  onDeleted: (id: string) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const remove = trpc.generate.delete.useMutation({
    onSuccess: async ({ id }) => {
      await utils.generate.history.invalidate();
      toast.success(t("studio.delete.done"));
      onDeleted(id);
      onClose();
    },
    // The failure is shown as a toast (with its request id), which a modal would cover.
    onError: () => onClose(),
  });
  return (
    <ConfirmDialog
      open={card !== null}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (card) remove.mutate({ id: card.id });
      }}
      title={t("studio.delete.title")}
      description={t("studio.delete.description", { name })}
      confirmLabel={t("studio.delete.confirm")}
      pendingLabel={t("studio.delete.deleting")}
      testId="delete-card-confirm"
    />
  );
}
