import { SquareTerminal } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { Button } from "../components/ui/button";
import { EmptyState } from "../components/ui/empty-state";
import { PageHeader } from "../components/page-header";
import { Spinner } from "../components/ui/spinner";
import { createPanelClient } from "./panel-client";
import { ProcedureList, type KindFilter } from "./procedure-list";
import { ProcedureView } from "./procedure-view";
import { ErrorEnvelopeView } from "./result-view";
import { usePanelSchema } from "./use-panel-schema";

/** Browse every API procedure, fill in its input from its JSON Schema and run it as yourself. */
export default function PanelPage() {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const { state, reload } = usePanelSchema();
  const [client] = useState(() => createPanelClient());
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<KindFilter>("all");

  const procedures = useMemo(() => (state.status === "ready" ? state.procedures : []), [state]);
  const selectedPath = params.get("procedure");
  const selected = procedures.find((procedure) => procedure.path === selectedPath) ?? null;

  const select = (path: string) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set("procedure", path);
        return next;
      },
      { replace: true },
    );
  };

  return (
    <div>
      <PageHeader
        title={t("title")}
        description={t("subtitle")}
        actions={
          state.status === "ready" ? (
            <span className="text-xs text-fg-muted">
              {t("count", { count: procedures.length })}
            </span>
          ) : null
        }
      />

      {state.status === "loading" ? (
        <p className="flex items-center gap-2 text-sm text-fg-muted">
          <Spinner className="size-4" />
          {t("loading")}
        </p>
      ) : null}

      {state.status === "error" ? (
        <div className="max-w-2xl space-y-4">
          <p className="text-sm text-fg">
            {state.error.httpStatus === 401
              ? t("access.unauthorized")
              : state.error.httpStatus === 403
                ? t("access.forbidden")
                : t("access.failed")}
          </p>
          <ErrorEnvelopeView error={state.error} />
          <Button onClick={reload}>{t("action.retry")}</Button>
        </div>
      ) : null}

      {state.status === "ready" ? (
        <div className="grid items-start gap-6 lg:grid-cols-[18rem_minmax(0,1fr)]">
          <aside className="rounded-xl border border-line bg-surface p-3 shadow-xs lg:sticky lg:top-4 lg:flex lg:max-h-[calc(100vh-8rem)] lg:flex-col">
            <ProcedureList
              procedures={procedures}
              selected={selected?.path ?? null}
              onSelect={select}
              search={search}
              onSearch={setSearch}
              filter={filter}
              onFilter={setFilter}
            />
          </aside>
          <div className="min-w-0">
            {selected ? (
              <ProcedureView key={selected.path} procedure={selected} client={client} />
            ) : (
              <div className="rounded-xl border border-dashed border-line-strong">
                <EmptyState
                  icon={SquareTerminal}
                  title={selectedPath ? t("notFound", { path: selectedPath }) : t("pick")}
                  hint={t("pickHint")}
                />
              </div>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}
