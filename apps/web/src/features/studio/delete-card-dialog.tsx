import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
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
    <Dialog
      open={card !== null}
      onClose={() => {
        if (!remove.isPending) onClose();
      }}
      title={t("studio.delete.title")}
      description={t("studio.delete.description", { name })}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            {t("common.cancel")}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            data-testid="delete-card-confirm"
            onClick={() => {
              if (card) remove.mutate({ id: card.id });
            }}
          >
            {remove.isPending ? t("studio.delete.deleting") : t("studio.delete.confirm")}
          </Button>
        </>
      }
    />
  );
}
