import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Button } from "../../components/ui/button";
import { Dialog } from "../../components/ui/dialog";
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
    <Dialog
      open={task !== null}
      onClose={() => {
        if (!remove.isPending) onClose();
      }}
      title={t("tasks.delete.title")}
      description={t("tasks.delete.description", { name })}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            {t("common.cancel")}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            data-testid="delete-task-confirm"
            onClick={() => {
              if (task) remove.mutate({ id: task.id });
            }}
          >
            {remove.isPending ? t("tasks.delete.deleting") : t("tasks.delete.confirm")}
          </Button>
        </>
      }
    />
  );
}
