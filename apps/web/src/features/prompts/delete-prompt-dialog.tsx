import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";

/** Asks before deleting a saved prompt with all its versions; closes when done or failed. */
export function DeletePromptDialog({
  target,
  onClose,
  onDeleted,
}: {
  target: { id: string; name: string } | null;
  onClose: () => void;
  onDeleted: (id: string) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const remove = trpc.aiChat.prompts.delete.useMutation({
    onSuccess: ({ id }) => {
      void utils.aiChat.prompts.list.invalidate();
      toast.success(t("prompts.delete.done"));
      onDeleted(id);
      onClose();
    },
    // The failure is shown as a toast (with its request id), which a modal would cover.
    onError: () => onClose(),
  });
  return (
    <ConfirmDialog
      open={target !== null}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (target) remove.mutate({ id: target.id });
      }}
      title={t("prompts.delete.title")}
      description={t("prompts.delete.description", { name: target?.name ?? "" })}
      confirmLabel={t("prompts.delete.confirm")}
      pendingLabel={t("prompts.delete.deleting")}
      testId="prompt-delete-confirm"
    />
  );
}
