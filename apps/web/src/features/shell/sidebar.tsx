import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

import { Brand } from "../../components/brand";
import { cx } from "../../lib/cx";
import type { SessionUser } from "../session/types";
import type { NavItem } from "./nav-items";
import { UserMenu } from "./user-menu";

export function Sidebar({
  items,
  user,
  onNavigate,
}: {
  items: NavItem[];
  user: SessionUser;
  onNavigate?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-14 shrink-0 items-center px-4">
        <Brand />
      </div>
      <nav aria-label={t("nav.main")} className="flex-1 space-y-0.5 overflow-y-auto px-3 py-3">
        {items.map(({ to, icon: Icon, label, end }) => (
          <NavLink
            key={to}
            to={to}
            end={end}
            onClick={onNavigate}
            data-testid={`nav-${to === "/" ? "home" : to.slice(1)}`}
            className={({ isActive }) =>
              cx(
                "group flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors",
                isActive
                  ? "bg-surface text-fg shadow-xs ring-1 ring-line"
                  : "text-fg-muted hover:bg-muted hover:text-fg",
              )
            }
          >
            {({ isActive }) => (
              <>
                <Icon
                  className={cx(
                    "size-4",
                    isActive ? "text-accent" : "text-fg-subtle group-hover:text-fg-muted",
                  )}
                  aria-hidden
                />
                {t(label)}
              </>
            )}
          </NavLink>
        ))}
      </nav>
      <div className="border-t border-line p-3">
        <UserMenu user={user} />
      </div>
    </div>
  );
}
