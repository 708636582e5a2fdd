import { Radio } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { cx } from "../../lib/cx";
import { formatDateTime, formatRelative } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { useLiveEvents } from "../live-events/live-events-provider";
import { describeEvent } from "./describe-event";
import type { EventDescription } from "./describe-event";

const TONES: Record<EventDescription["tone"], string> = {
  accent: "bg-accent-soft text-accent",
  success: "bg-success-soft text-success",
  danger: "bg-danger-soft text-danger",
  neutral: "bg-muted text-fg-muted",
};

/** The user's events as they happen, newest first, from the app-wide live stream. */
export function ActivityFeed() {
  const { t, i18n } = useTranslation();
  const { events } = useLiveEvents();
  const now = useNow();
  const language = i18n.resolvedLanguage ?? "en";

  return (
    <Card>
      <CardHeader title={t("home.activity.title")} description={t("home.activity.subtitle")} />
      {events.length === 0 ? (
        <EmptyState
          icon={Radio}
          title={t("home.activity.empty")}
          hint={t("home.activity.emptyHint")}
        />
      ) : (
        <ol className="divide-y divide-line" data-testid="activity-feed" aria-live="polite">
          {events.map((event, index) => {
            const {
              icon: Icon,
              tone,
              title,
              detail,
            } = describeEvent(event, t, events.slice(index + 1));
            return (
              <li
                key={event.id}
                data-event-type={event.type}
                className="flex items-start gap-3 px-5 py-3.5 motion-safe:animate-fade-in"
              >
                <span
                  className={cx(
                    "mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg",
                    TONES[tone],
                  )}
                >
                  <Icon className="size-4" aria-hidden />
                </span>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-fg">{title}</p>
                  {detail ? (
                    <p className="mt-0.5 truncate text-[13px] text-fg-muted">{detail}</p>
                  ) : null}
                </div>
                <time
                  dateTime={event.createdAt.toISOString()}
                  title={formatDateTime(event.createdAt, language)}
                  className="shrink-0 pt-0.5 text-xs text-fg-subtle tabular-nums"
                >
                  {formatRelative(
                    event.createdAt,
                    language,
                    Math.max(now, event.createdAt.getTime()),
                  )}
                </time>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
