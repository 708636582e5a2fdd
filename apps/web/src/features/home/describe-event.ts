import { Activity, FileText, KeyRound, KeySquare, LogIn, LogOut, Trash2 } from "lucide-react";
import type { LucideIcon } from "lucide-react";
import type { TFunction } from "i18next";

import { describeUserAgent } from "../../lib/user-agent";
import { kindLabel } from "../tasks/task-details";
import type { ActivityEvent } from "../live-events/activity-store";

export interface EventDescription {
  icon: LucideIcon;
  tone: "accent" | "success" | "danger" | "neutral";
  title: string;
  detail: string | null;
}

const ARTICLE_ACTIONS = [
  "created",
  "updated",
  "published",
  "unpublished",
  "archived",
  "deleted",
  "restored",
  "revision",
] as const;

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value : null;

/**
 * How the activity feed words an event. New event types get a case here (and strings under
 * `events.*` in both locale files); unknown types still show, by their type name.
 */
export function describeEvent(
  event: ActivityEvent,
  t: TFunction,
  /** Earlier events, to name things a later event only refers to by id. */
  history: readonly ActivityEvent[],
): EventDescription {
  switch (event.type) {
    case "session.signedIn": {
      const agent = text(event.data.userAgent);
      const { browser, os } = agent ? describeUserAgent(agent) : { browser: null, os: null };
      const where =
        browser && os ? t("events.browserOnOs", { browser, os }) : (browser ?? os ?? null);
      const ip = text(event.data.ip);
      const detail = [where, ip].filter(Boolean).join(" · ") || null;
      return { icon: LogIn, tone: "success", title: t("events.signedIn"), detail };
    }
    case "session.revoked": {
      const count = typeof event.data.count === "number" ? event.data.count : 1;
      return {
        icon: LogOut,
        tone: "neutral",
        title: t("events.sessionsRevoked", { count }),
        detail: null,
      };
    }
    case "apiKey.created": {
      const name = text(event.data.name);
      const start = text(event.data.start);
      return {
        icon: KeyRound,
        tone: "accent",
        title: name ? t("events.apiKeyCreatedNamed", { name }) : t("events.apiKeyCreated"),
        detail: start ? `${start}…` : null,
      };
    }
    case "apiKey.revoked": {
      const id = text(event.data.id);
      const created = history.find((e) => e.type === "apiKey.created" && e.data.id === id);
      const name = created ? text(created.data.name) : null;
      return {
        icon: KeySquare,
        tone: "danger",
        title: name ? t("events.apiKeyRevokedNamed", { name }) : t("events.apiKeyRevoked"),
        detail: null,
      };
    }
    case "article.changed": {
      const action = text(event.data.action) ?? "updated";
      const known = ARTICLE_ACTIONS.find((a) => a === action) ?? "updated";
      const title = text(event.data.title) ?? t("articles.untitled");
      return {
        icon: FileText,
        tone: known === "published" ? "success" : known === "deleted" ? "danger" : "neutral",
        title: t(`events.article.${known}`, { title }),
        detail: null,
      };
    }
    case "task.deleted": {
      const kind = text(event.data.kind);
      return {
        icon: Trash2,
        tone: "neutral",
        title: kind
          ? t("events.taskDeletedKind", { kind: kindLabel(t, kind) })
          : t("events.taskDeleted"),
        detail: null,
      };
    }
    default:
      return { icon: Activity, tone: "neutral", title: event.type, detail: null };
  }
}
