import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { PageHeader } from "../../components/page-header";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { trpc } from "../../lib/trpc";
import { CreateKeyDialog } from "./create-key-dialog";
import { KeyTable } from "./key-table";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import type { ApiKey } from "./types";

/** The caller's API keys. The list refreshes when any tab or device changes a key (live events). */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const keys = trpc.auth.apiKeys.list.useQuery();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-key">
      <Plus className="size-4" aria-hidden />
      {t("apiKeys.create.open")}
    </Button>
  );

  return (
    <>
      <PageHeader
        title={t("apiKeys.title")}
        description={t("apiKeys.subtitle")}
        actions={createButton}
      />
      <Card className="overflow-hidden">
        {keys.isPending ? (
          <div className="space-y-3 p-5" aria-busy>
            <Skeleton className="h-5 w-1/3" />
            <Skeleton className="h-5 w-1/2" />
            <Skeleton className="h-5 w-2/5" />
          </div>
        ) : keys.isError ? (
          <EmptyState
            icon={KeyRound}
            title={t("apiKeys.loadFailed")}
            action={<Button onClick={() => void keys.refetch()}>{t("common.retry")}</Button>}
          />
        ) : keys.data.length === 0 ? (
          <EmptyState
            icon={KeyRound}
            title={t("apiKeys.empty.title")}
            hint={t("apiKeys.empty.hint")}
          />
        ) : (
          <KeyTable keys={keys.data} onRevoke={setRevoking} />
        )}
      </Card>
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}
