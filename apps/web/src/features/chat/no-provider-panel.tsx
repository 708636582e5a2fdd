import { PlugZap } from "lucide-react";
import { useTranslation } from "react-i18next";

const EXAMPLE =
  'AI_PROVIDERS=[{"id":"openai","label":"OpenAI","baseUrl":"https://api.openai.com/v1","apiKey":"sk-…","models":[{"id":"gpt-4o-mini","contextWindow":128000}]}]';

/**
 * Said instead of a conversation when the server has no AI provider: what is missing and how to
 * set it up. Nothing is ever answered without a provider.
 */
export function NoProviderPanel({ help }: { help: string | null }) {
  const { t } = useTranslation();
  return (
    <div
      className="flex flex-1 items-center justify-center px-4 py-10 sm:px-8"
      data-testid="chat-no-provider"
    >
      <div className="w-full max-w-xl">
        <div className="mb-4 flex size-11 items-center justify-center rounded-xl border border-warning/35 bg-warning-soft text-warning">
          <PlugZap className="size-5" aria-hidden />
        </div>
        <h2 className="text-lg font-semibold tracking-tight text-fg">
          {t("chat.noProvider.title")}
        </h2>
        <p className="mt-1.5 text-sm text-fg-muted">{t("chat.noProvider.body")}</p>
        {help ? (
          <p
            className="mt-4 rounded-lg border border-line bg-subtle px-3 py-2.5 text-[13px] text-fg"
            data-testid="chat-no-provider-help"
          >
            {help}
          </p>
        ) : null}
        <p className="mt-4 text-sm text-fg-muted">{t("chat.noProvider.howTo")}</p>
        <pre className="mt-2 overflow-x-auto rounded-lg bg-muted p-3 font-mono text-xs leading-5 text-fg">
          {EXAMPLE}
        </pre>
        <p className="mt-3 text-xs text-fg-subtle">{t("chat.noProvider.restart")}</p>
      </div>
    </div>
  );
}
