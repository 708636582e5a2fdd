import { Check, ChevronsUpDown, LogOut, Monitor, Moon, Sun } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { Menu, MenuItem, MenuLabel, MenuSeparator } from "../../components/ui/menu";
import { Spinner } from "../../components/ui/spinner";
import { useTheme } from "../../lib/theme";
import type { ThemePreference } from "../../lib/theme";
import { trpc } from "../../lib/trpc";
import { useResetAfterAuth } from "../session/use-reset-after-auth";
import type { SessionUser } from "../session/types";

const THEMES = [
  { value: "light", icon: Sun, label: "theme.light" },
  { value: "dark", icon: Moon, label: "theme.dark" },
  { value: "system", icon: Monitor, label: "theme.system" },
] as const satisfies readonly { value: ThemePreference; icon: unknown; label: string }[];

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [name.trim()];
  return letters
    .map((part) => Array.from(part ?? "")[0] ?? "")
    .join("")
    .toUpperCase();
}

export function Avatar({ name }: { name: string }) {
  return (
    <span
      aria-hidden
      className="flex size-8 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-indigo-400 to-violet-600 text-xs font-semibold text-white"
    >
      {initialsOf(name)}
    </span>
  );
}

export function UserMenu({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const { preference, setPreference } = useTheme();
  const resetAfterAuth = useResetAfterAuth();
  const signOut = trpc.auth.signOut.useMutation({
    onSuccess: () => resetAfterAuth(false),
  });

  return (
    <Menu
      label={t("userMenu.open")}
      placement="top-start"
      panelClassName="right-0"
      triggerClassName="flex w-full items-center gap-2.5 rounded-lg p-1.5 text-left transition-colors hover:bg-muted"
      trigger={
        <>
          <Avatar name={user.name} />
          <span className="min-w-0 flex-1">
            <span
              className="block truncate text-[13px] font-medium text-fg"
              data-testid="user-name"
            >
              {user.name}
            </span>
            <span className="block truncate text-xs text-fg-subtle">{user.email}</span>
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-fg-subtle" aria-hidden />
        </>
      }
    >
      {(close) => (
        <>
          <div className="flex items-center justify-between gap-2 px-2.5 pt-1.5 pb-2">
            <span className="min-w-0 truncate text-xs text-fg-muted">{user.email}</span>
            <Badge tone={user.role === "admin" ? "accent" : "neutral"}>
              {user.role === "admin" ? t("userMenu.roleAdmin") : t("userMenu.roleUser")}
            </Badge>
          </div>
          <MenuSeparator />
          <MenuLabel>{t("theme.label")}</MenuLabel>
          {THEMES.map(({ value, icon: Icon, label }) => (
            <MenuItem
              key={value}
              role="menuitemradio"
              aria-checked={preference === value}
              onClick={() => setPreference(value)}
            >
              <Icon className="size-4 text-fg-muted" aria-hidden />
              <span className="flex-1">{t(label)}</span>
              {preference === value ? <Check className="size-4 text-accent" aria-hidden /> : null}
            </MenuItem>
          ))}
          <MenuSeparator />
          <MenuItem
            data-testid="sign-out"
            disabled={signOut.isPending}
            onClick={() => signOut.mutate(undefined, { onSettled: close })}
          >
            {signOut.isPending ? (
              <Spinner className="size-4 text-fg-muted" />
            ) : (
              <LogOut className="size-4 text-fg-muted" aria-hidden />
            )}
            <span>{signOut.isPending ? t("userMenu.signingOut") : t("userMenu.signOut")}</span>
          </MenuItem>
        </>
      )}
    </Menu>
  );
}
