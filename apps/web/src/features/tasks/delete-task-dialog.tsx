import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { trpc } from "../../lib/trpc";
import { useTaskCache } from "./use-task-cache";
import type { TaskItem } from "./types";

/** Asks before deleting a task with its files; closes when done or failed (failures are toasts). */
export function DeleteTaskDialog({
  task,
  name,
  onClose,
}: {
  task: TaskItem | null;
  name: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const cache = useTaskCache();
  const remove = trpc.tasks.delete.useMutation({
    onSuccess: ({ id }) => {
      cache.remove(id);
      toast.success(t("tasks.delete.done"));
      onClose();
    },
    // The failure is shown as a toast (with its request id), which a modal would cover.
    onError: () => onClose(),
  });
  return (
    <ConfirmDialog
      open={task !== null}
      pending={remove.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (task) remove.mutate({ id: task.id });
      }}
      title={t("tasks.delete.title")}
      description={t("tasks.delete.description", { name })}
      confirmLabel={t("tasks.delete.confirm")}
      pendingLabel={t("tasks.delete.deleting")}
      testId="delete-task-confirm"
    />
  );
}
