import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";
import type { CutoutItem } from "./types";

/** Asks before deleting a cut-out; closes when done or failed (failures arrive as toasts). */
export function DeleteCutoutDialog({
  cutout,
  onClose,
  onDeleted,
}: {
  cutout: CutoutItem | null;
  onClose: () => void;
  onDeleted: (id: string) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const remove = trpc.cutout.delete.useMutation({
    onSuccess: async ({ id }) => {
      await utils.cutout.list.invalidate();
      toast.success(t("cutout.delete.done"));
      onDeleted(id);
      onClose();
    },
    // The failure is shown as a toast (with its request id), which a modal would cover.
    onError: () => onClose(),
  });
  return (
    <ConfirmDialog
      open={cutout !== null}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (cutout) remove.mutate({ id: cutout.id });
      }}
      title={t("cutout.delete.title")}
      description={t("cutout.delete.description", {
        name: cutout?.fileName ?? t("cutout.recent.untitled"),
      })}
      confirmLabel={t("cutout.delete.confirm")}
      pendingLabel={t("cutout.delete.deleting")}
      testId="delete-cutout-confirm"
    />
  );
}
