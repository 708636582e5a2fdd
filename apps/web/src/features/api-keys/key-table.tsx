import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { formatDate, formatDateTime, formatRelative } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import type { ApiKey } from "./types";

function Expiry({
  expiresAt,
  now,
  language,
}: {
  expiresAt: Date | null;
  now: number;
  language: string;
}) {
  const { t } = useTranslation();
  if (!expiresAt) return <span className="text-fg-subtle">{t("apiKeys.never")}</span>;
  if (expiresAt.getTime() <= now) return <Badge tone="danger">{t("apiKeys.expired")}</Badge>;
  const soon = expiresAt.getTime() - now < 7 * 24 * 3600 * 1000;
  return (
    <time
      dateTime={expiresAt.toISOString()}
      title={formatDateTime(expiresAt, language)}
      className={soon ? "text-warning" : undefined}
    >
      {formatDate(expiresAt, language)}
    </time>
  );
}

export function KeyTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const now = useNow();
  const head = "px-5 py-2.5 text-left text-xs font-medium text-fg-muted";
  const cell = "px-5 py-3 align-middle";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="api-key-table">
        <thead className="border-b border-line bg-subtle/60">
          <tr>
            <th scope="col" className={head}>
              {t("apiKeys.table.name")}
            </th>
            <th scope="col" className={`${head} hidden md:table-cell`}>
              {t("apiKeys.table.created")}
            </th>
            <th scope="col" className={`${head} hidden sm:table-cell`}>
              {t("apiKeys.table.lastUsed")}
            </th>
            <th scope="col" className={head}>
              {t("apiKeys.table.expires")}
            </th>
            <th scope="col" className={`${head} text-right`}>
              <span className="sr-only">{t("apiKeys.table.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {keys.map((key) => (
            <tr
              key={key.id}
              data-testid="api-key-row"
              data-key-id={key.id}
              className="hover:bg-subtle/50"
            >
              <td className={cell}>
                <p className="font-medium text-fg">{key.name ?? t("apiKeys.unnamed")}</p>
                {key.start ? (
                  <p className="mt-0.5 font-mono text-xs text-fg-subtle">{key.start}…</p>
                ) : null}
              </td>
              <td className={`${cell} hidden text-fg-muted md:table-cell`}>
                <time
                  dateTime={key.createdAt.toISOString()}
                  title={formatDateTime(key.createdAt, language)}
                >
                  {formatDate(key.createdAt, language)}
                </time>
              </td>
              <td className={`${cell} hidden text-fg-muted sm:table-cell`}>
                {key.lastUsedAt ? (
                  <time
                    dateTime={key.lastUsedAt.toISOString()}
                    title={formatDateTime(key.lastUsedAt, language)}
                  >
                    {formatRelative(
                      key.lastUsedAt,
                      language,
                      Math.max(now, key.lastUsedAt.getTime()),
                    )}
                  </time>
                ) : (
                  <span className="text-fg-subtle">{t("apiKeys.neverUsed")}</span>
                )}
              </td>
              <td className={`${cell} text-fg-muted`}>
                <Expiry expiresAt={key.expiresAt} now={now} language={language} />
              </td>
              <td className={`${cell} text-right`}>
                <Button
                  size="sm"
                  variant="danger-ghost"
                  onClick={() => onRevoke(key)}
                  data-testid="revoke-key"
                  aria-label={t("apiKeys.revoke.buttonLabel", {
                    name: key.name ?? t("apiKeys.unnamed"),
                  })}
                >
                  {t("apiKeys.revoke.button")}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
