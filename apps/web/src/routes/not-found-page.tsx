import { Compass } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="flex flex-col items-center py-20 text-center">
      <div className="mb-4 flex size-12 items-center justify-center rounded-2xl border border-line bg-surface text-fg-muted">
        <Compass className="size-6" aria-hidden />
      </div>
      <h1 className="text-xl font-semibold tracking-tight text-fg">{t("notFound.title")}</h1>
      <p className="mt-1.5 max-w-sm text-sm text-fg-muted">{t("notFound.body")}</p>
      <Link
        to="/"
        className="mt-6 inline-flex h-9 items-center rounded-lg bg-accent px-3.5 text-sm font-medium text-accent-fg hover:bg-accent-hover"
      >
        {t("notFound.home")}
      </Link>
    </div>
  );
}
