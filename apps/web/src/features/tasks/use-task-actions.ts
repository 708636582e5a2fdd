import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { trpc } from "../../lib/trpc";
import { useTaskCache } from "./use-task-cache";

/** Cancel and retry for one task; the answer goes into the cache at once (events follow). */
export function useTaskActions() {
  const { t } = useTranslation();
  const cache = useTaskCache();
  const cancel = trpc.tasks.cancel.useMutation({
    onSuccess: (task) => {
      cache.put(task);
      toast.success(
        task.status === "canceled" ? t("tasks.actions.canceled") : t("tasks.actions.stopping"),
      );
    },
  });
  const retry = trpc.tasks.retry.useMutation({
    onSuccess: (task) => {
      cache.put(task);
      toast.success(t("tasks.actions.retried"));
    },
  });
  return { cancel, retry };
}
