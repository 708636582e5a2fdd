import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "./button";
import { Dialog } from "./dialog";

/**
 * Asks before something that cannot be undone (delete, revoke). While the action runs it cannot
 * be dismissed and the confirm button shows `pendingLabel`; the caller closes it when done.
 */
export function ConfirmDialog({
  open,
  pending,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  pendingLabel,
  testId,
}: {
  open: boolean;
  pending: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  pendingLabel: ReactNode;
  /** `data-testid` of the confirm button. */
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onClose={() => {
        if (!pending) onClose();
      }}
      title={title}
      description={description}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            {t("common.cancel")}
          </Button>
          <Button variant="danger" loading={pending} data-testid={testId} onClick={onConfirm}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </>
      }
    />
  );
}
