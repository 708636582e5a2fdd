import { CloudOff } from "lucide-react";
import { useTranslation } from "react-i18next";
import { useMatch } from "react-router";

import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { trpc } from "../../lib/trpc";
import { ConversationList } from "./conversation-list";
import { ConversationView } from "./conversation-view";

/**
 * The assistant at /chat (a new conversation) and /chat/:conversationId: the conversation list
 * beside the conversation on wide screens, folded above it on small ones. Replies are written
 * on the server; the page only watches them, so a reload or a closed tab loses nothing.
 */
export function ChatPage() {
  const { t } = useTranslation();
  const match = useMatch("/chat/:conversationId");
  const conversationId = match?.params.conversationId ?? null;
  const providers = trpc.aiChat.providers.useQuery(undefined, {
    staleTime: 60_000,
    meta: { errorToast: false },
  });

  return (
    <div className="grid gap-4 lg:h-[calc(100dvh-7.5rem)] lg:min-h-[34rem] lg:grid-cols-[17rem_minmax(0,1fr)] lg:grid-rows-[minmax(0,1fr)]">
      <title>{`${t("chat.title")} · ${t("app.name")}`}</title>
      <ConversationList
        activeId={conversationId}
        configured={providers.data?.configured ?? false}
      />
      {providers.isError ? (
        <Card className="flex items-center justify-center p-6">
          <EmptyState
            icon={CloudOff}
            title={t("chat.providersFailed")}
            hint={providers.error.message}
            action={<Button onClick={() => void providers.refetch()}>{t("common.retry")}</Button>}
          />
        </Card>
      ) : (
        <ConversationView
          key={conversationId ?? "new"}
          conversationId={conversationId}
          providers={providers.data}
        />
      )}
    </div>
  );
}
