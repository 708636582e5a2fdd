import { History, LayoutTemplate, PencilRuler, WandSparkles } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, useMatch, useNavigate } from "react-router";
import { toast } from "sonner";

import { PageHeader } from "../../components/page-header";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { trpc } from "../../lib/trpc";
import { AiImageTab } from "./ai-image-tab";
import { designFromHistory } from "./design";
import { INITIAL_DRAFT, withDesign } from "./draft";
import type { Draft } from "./draft";
import type { CreatedResult } from "./result-panel";
import { StudioEditor } from "./studio-editor";
import { StudioHistory } from "./studio-history";
import type { HistoryCard } from "./types";

function Tabs() {
  const { t } = useTranslation();
  const tab = ({ isActive }: { isActive: boolean }) =>
    cx(
      "inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-[13px] font-medium transition-colors",
      isActive ? "bg-surface text-fg shadow-xs ring-1 ring-line" : "text-fg-muted hover:text-fg",
    );
  return (
    <nav
      aria-label={t("studio.sections")}
      className="inline-flex items-center gap-1 rounded-lg bg-muted p-1"
    >
      <NavLink to="/studio" end className={tab} data-testid="studio-tab-editor">
        <PencilRuler className="size-4" aria-hidden />
        {t("studio.tabEditor")}
      </NavLink>
      <NavLink to="/studio/history" className={tab} data-testid="studio-tab-history">
        <History className="size-4" aria-hidden />
        {t("studio.tabHistory")}
      </NavLink>
      <NavLink to="/studio/image" className={tab} data-testid="studio-tab-image">
        <WandSparkles className="size-4" aria-hidden />
        {t("studio.tabImage")}
      </NavLink>
    </nav>
  );
}

function EditorSkeleton() {
  return (
    <div aria-busy data-testid="studio-loading">
      <div className="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="aspect-[1200/800] rounded-xl" />
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
        <Skeleton className="h-96 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    </div>
  );
}

/**
 * The studio at /studio (card editor), /studio/history (cards made) and /studio/image (AI
 * images). The card draft and the last created card live here, so moving between them keeps them.
 */
export function StudioPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const onHistory = useMatch("/studio/history") !== null;
  const onImage = useMatch("/studio/image") !== null;
  const templates = trpc.generate.templates.useQuery(undefined, {
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [draft, setDraft] = useState<Draft>(INITIAL_DRAFT);
  const [result, setResult] = useState<CreatedResult | null>(null);

  const reopen = (card: HistoryCard) => {
    const template = templates.data?.templates.find((entry) => entry.id === card.templateId);
    if (!template) return;
    const { design, missingImages } = designFromHistory(template, card);
    setDraft((current) => withDesign(current, design, missingImages));
    void navigate("/studio");
    toast.success(t("studio.history.reopened"));
  };

  let body;
  // AI images need no card templates.
  if (onImage) body = <AiImageTab />;
  else if (templates.isPending) body = <EditorSkeleton />;
  else if (templates.isError || templates.data.templates.length === 0)
    body = (
      <Card>
        <EmptyState
          icon={LayoutTemplate}
          title={t("studio.loadFailed")}
          action={<Button onClick={() => void templates.refetch()}>{t("common.retry")}</Button>}
        />
      </Card>
    );
  else if (onHistory)
    body = (
      <StudioHistory
        templates={templates.data.templates}
        onReopen={reopen}
        onDeleted={(id) => {
          if (result?.card.id === id) setResult(null);
        }}
      />
    );
  else
    body = (
      <StudioEditor
        templates={templates.data.templates}
        draft={draft}
        setDraft={setDraft}
        result={result}
        setResult={setResult}
      />
    );

  return (
    <>
      <PageHeader
        title={
          onImage ? t("studio.ai.title") : onHistory ? t("studio.history.title") : t("studio.title")
        }
        documentTitle={
          onImage
            ? `${t("studio.ai.title")} · ${t("studio.title")}`
            : onHistory
              ? `${t("studio.history.title")} · ${t("studio.title")}`
              : t("studio.title")
        }
        description={
          onImage
            ? t("studio.ai.subtitle")
            : onHistory
              ? t("studio.history.subtitle")
              : t("studio.subtitle")
        }
        actions={<Tabs />}
      />
      {body}
    </>
  );
}
