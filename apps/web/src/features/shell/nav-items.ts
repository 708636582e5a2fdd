import {
  FileText,
  KeyRound,
  LayoutDashboard,
  ListChecks,
  MessagesSquare,
  Palette,
  ScrollText,
  Scissors,
  SquareTerminal,
} from "lucide-react";
import type { LucideIcon } from "lucide-react";

export interface NavItem {
  to: string;
  icon: LucideIcon;
  label:
    | "nav.home"
    | "nav.studio"
    | "nav.cutout"
    | "nav.articles"
    | "nav.chat"
    | "nav.prompts"
    | "nav.tasks"
    | "nav.apiKeys"
    | "nav.panel";
  /** Match only the exact path (for "/"). */
  end?: boolean;
}

/**
 * The areas of the app. An item is listed only when its page works; `panel` is added when the
 * caller may use it (see usePanelAccess).
 */
export function navItems({ panel }: { panel: boolean }): NavItem[] {
  const items: NavItem[] = [
    { to: "/", icon: LayoutDashboard, label: "nav.home", end: true },
    { to: "/studio", icon: Palette, label: "nav.studio" },
    { to: "/cutout", icon: Scissors, label: "nav.cutout" },
    { to: "/articles", icon: FileText, label: "nav.articles" },
    { to: "/chat", icon: MessagesSquare, label: "nav.chat" },
    { to: "/prompts", icon: ScrollText, label: "nav.prompts" },
    { to: "/tasks", icon: ListChecks, label: "nav.tasks" },
    { to: "/api-keys", icon: KeyRound, label: "nav.apiKeys" },
  ];
  if (panel) items.push({ to: "/panel", icon: SquareTerminal, label: "nav.panel" });
  return items;
}
