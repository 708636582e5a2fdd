import type { ReactNode } from "react";

import { Brand } from "../../components/brand";
import { LanguageSwitcher } from "../shell/language-switcher";
import { ThemeToggle } from "../shell/theme-toggle";

/** The signed-out frame: brand, language and theme, and one centred form. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <div className="relative isolate flex min-h-full flex-col overflow-hidden">
      <title>{title}</title>
      <div
        aria-hidden
        className="pointer-events-none absolute inset-x-0 -top-40 -z-10 h-[480px] bg-[radial-gradient(ellipse_at_center,var(--color-accent-soft),transparent_65%)] opacity-90"
      />
      <header className="flex h-14 items-center justify-between px-4 sm:px-6">
        <Brand />
        <div className="flex items-center gap-1">
          <LanguageSwitcher />
          <ThemeToggle />
        </div>
      </header>
      <main className="flex flex-1 justify-center px-4 pt-[7vh] pb-16">
        <div className="w-full max-w-[400px]">
          <div className="mb-6 text-center">
            <h1 className="text-2xl font-semibold tracking-tight text-fg">{title}</h1>
            <p className="mt-1.5 text-sm text-fg-muted">{subtitle}</p>
          </div>
          <div className="rounded-2xl border border-line bg-surface p-6 shadow-sm shadow-black/[0.03] sm:p-7">
            {children}
          </div>
          <p className="mt-6 text-center text-sm text-fg-muted">{footer}</p>
        </div>
      </main>
    </div>
  );
}
