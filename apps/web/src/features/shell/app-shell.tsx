import { Menu as MenuIcon, X } from "lucide-react";
import { useEffect, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useMatch } from "react-router";

import { Brand } from "../../components/brand";
import { cx } from "../../lib/cx";
import { ConnectionIndicator } from "../live-events/connection-indicator";
import type { SessionUser } from "../session/types";
import { LanguageSwitcher } from "./language-switcher";
import { navItems } from "./nav-items";
import { Sidebar } from "./sidebar";
import { ThemeToggle } from "./theme-toggle";

/** Signed-in layout: sidebar (a drawer on small screens), top bar with live status and settings. */
export function AppShell({
  user,
  panel,
  children,
}: {
  user: SessionUser;
  panel: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const items = navItems({ panel });
  // The panel's and the studio's two columns need room; other pages sit in a reading-width column.
  const panelPage = useMatch("/panel") !== null;
  const studioPage = useMatch("/studio/*") !== null;
  const wide = panelPage || studioPage;

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setDrawerOpen(false);
    };
    document.addEventListener("keydown", onKey);
    // The page behind the open drawer does not scroll.
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.removeEventListener("keydown", onKey);
      document.body.style.overflow = overflow;
    };
  }, [drawerOpen]);

  return (
    <div className="min-h-full">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 border-r border-line bg-subtle/70 md:block">
        <Sidebar items={items} user={user} />
      </aside>

      {drawerOpen ? (
        <div className="fixed inset-0 z-50 md:hidden">
          <button
            type="button"
            aria-label={t("nav.closeMenu")}
            className="absolute inset-0 bg-black/40 backdrop-blur-[2px]"
            onClick={() => setDrawerOpen(false)}
          />
          <aside className="absolute inset-y-0 left-0 w-72 max-w-[85%] border-r border-line bg-canvas shadow-2xl">
            <button
              type="button"
              aria-label={t("nav.closeMenu")}
              onClick={() => setDrawerOpen(false)}
              className="absolute top-3.5 right-3 rounded-md p-1.5 text-fg-muted hover:bg-muted hover:text-fg"
            >
              <X className="size-4" aria-hidden />
            </button>
            <Sidebar items={items} user={user} onNavigate={() => setDrawerOpen(false)} />
          </aside>
        </div>
      ) : null}

      <div className="flex min-h-full flex-col md:pl-60">
        <header className="sticky top-0 z-20 flex h-14 items-center gap-2 border-b border-line bg-canvas/85 px-4 backdrop-blur-md sm:px-6">
          <button
            type="button"
            aria-label={t("nav.openMenu")}
            onClick={() => setDrawerOpen(true)}
            className="-ml-1.5 rounded-md p-1.5 text-fg-muted hover:bg-muted hover:text-fg md:hidden"
          >
            <MenuIcon className="size-5" aria-hidden />
          </button>
          <Brand className="md:hidden" />
          <div className="flex-1" />
          <ConnectionIndicator />
          <div className="mx-1 h-5 w-px bg-line" aria-hidden />
          <LanguageSwitcher />
          <ThemeToggle />
        </header>
        <main className="flex-1 px-4 py-8 sm:px-6 lg:px-10">
          <div className={cx("mx-auto w-full", wide ? "max-w-7xl" : "max-w-5xl")}>{children}</div>
        </main>
      </div>
    </div>
  );
}
