import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** The page's heading. Its text (or `documentTitle`) also names the browser tab. */
export function PageHeader({
  title,
  documentTitle,
  description,
  actions,
}: {
  title: ReactNode;
  documentTitle?: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  const tab = documentTitle ?? (typeof title === "string" ? title : null);
  return (
    <div className="mb-8 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      {tab ? <title>{`${tab} · ${t("app.name")}`}</title> : null}
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-fg">{title}</h1>
        {description ? (
          <p className="mt-1.5 max-w-2xl text-sm text-fg-muted">{description}</p>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}
