import { TriangleAlert } from "lucide-react";
import { useTranslation } from "react-i18next";
import { useRouteError } from "react-router";

import { Button } from "../components/ui/button";

/** Last line of defence: a render error shows this instead of a blank page. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const detail = error instanceof Error ? error.message : null;
  return (
    <div className="flex min-h-full flex-col items-center justify-center gap-3 px-6 text-center">
      <TriangleAlert className="size-8 text-warning" aria-hidden />
      <h1 className="text-lg font-semibold text-fg">{t("errors.crashTitle")}</h1>
      <p className="max-w-md text-sm text-fg-muted">{t("errors.crashBody")}</p>
      {detail ? (
        <pre className="max-w-md overflow-x-auto text-xs text-fg-subtle">{detail}</pre>
      ) : null}
      <Button onClick={() => window.location.reload()}>{t("errors.reload")}</Button>
    </div>
  );
}
