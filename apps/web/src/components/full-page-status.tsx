import { CloudOff } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

export function FullPageLoader() {
  const { t } = useTranslation();
  return (
    <div className="flex h-full items-center justify-center" role="status">
      <Spinner className="size-5 text-fg-subtle" />
      <span className="sr-only">{t("common.loading")}</span>
    </div>
  );
}

export function FullPageError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 px-6 text-center">
      <CloudOff className="size-8 text-fg-subtle" aria-hidden />
      <p className="max-w-sm text-sm text-fg-muted">{message}</p>
      <Button onClick={onRetry}>{t("common.retry")}</Button>
    </div>
  );
}
