import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import type { ArticleStatus, TextPart } from "./types";

const TONES = { draft: "neutral", published: "success", archived: "warning" } as const;

export function StatusBadge({ status }: { status: ArticleStatus }) {
  const { t } = useTranslation();
  return (
    <Badge tone={TONES[status]} data-testid="article-status">
      {t(`articles.status.${status}`)}
    </Badge>
  );
}

export function PendingBadge() {
  const { t } = useTranslation();
  return (
    <Badge tone="accent" title={t("articles.pendingHint")} data-testid="article-pending">
      {t("articles.pending")}
    </Badge>
  );
}

/** Text with the parts search matched marked (as text: nothing here is HTML). */
export function Marked({ parts }: { parts: TextPart[] }) {
  return (
    <>
      {parts.map((part, index) =>
        part.match ? (
          <mark key={index} className="rounded-sm bg-warning-soft px-0.5 text-fg">
            {part.text}
          </mark>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}
