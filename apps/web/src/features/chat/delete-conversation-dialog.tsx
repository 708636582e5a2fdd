import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";
import { useChatCache } from "./use-chat-cache";

/** Asks before deleting a conversation with all its messages; closes when done or failed. */
export function DeleteConversationDialog({
  target,
  onClose,
  onDeleted,
}: {
  target: { id: string; title: string } | null;
  onClose: () => void;
  onDeleted: (id: string) => void;
}) {
  const { t } = useTranslation();
  const cache = useChatCache();
  const remove = trpc.aiChat.conversations.delete.useMutation({
    onSuccess: ({ id }) => {
      cache.forget(id);
      toast.success(t("chat.delete.done"));
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
      title={t("chat.delete.title")}
      description={t("chat.delete.description", { title: target?.title ?? "" })}
      confirmLabel={t("chat.delete.confirm")}
      pendingLabel={t("chat.delete.deleting")}
      testId="chat-delete-confirm"
    />
  );
}
