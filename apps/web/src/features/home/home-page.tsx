import { ArrowRight, KeyRound, SquareTerminal, Trash2 } from "lucide-react";
import type { LucideIcon } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { PageHeader } from "../../components/page-header";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardFooter, CardHeader } from "../../components/ui/card";
import type { Session } from "../session/types";
import { Avatar } from "../shell/user-menu";
import { ActivityFeed } from "./activity-feed";
import { DeleteAccountDialog } from "./delete-account-dialog";
import { SessionsCard } from "./sessions-card";

export function HomePage({ session, panel }: { session: Session; panel: boolean }) {
  const { t } = useTranslation();
  const { user } = session;
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      <PageHeader
        title={t("home.greeting", { name: user.name })}
        documentTitle={t("nav.home")}
        description={t("home.subtitle")}
      />
      {/* Explicit columns (minmax(0, 1fr)): a long unbroken line, like an IPv6 address, is cut
          short inside its card instead of widening the page on a phone. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <ActivityFeed />
        </div>
        <div className="space-y-6">
          <Card data-testid="account-card">
            <CardHeader title={t("home.account.title")} />
            <div className="flex items-center gap-3 px-5 pt-4">
              <Avatar name={user.name} />
              <div className="min-w-0">
                <p className="truncate text-sm font-medium text-fg">{user.name}</p>
                <p className="truncate text-[13px] text-fg-muted">{user.email}</p>
              </div>
            </div>
            <dl className="space-y-2.5 px-5 pt-4 pb-5 text-[13px]">
              <div className="flex items-center justify-between gap-3">
                <dt className="text-fg-muted">{t("home.account.role")}</dt>
                <dd>
                  <Badge tone={user.role === "admin" ? "accent" : "neutral"}>
                    {user.role === "admin" ? t("userMenu.roleAdmin") : t("userMenu.roleUser")}
                  </Badge>
                </dd>
              </div>
              <div className="flex items-center justify-between gap-3">
                <dt className="text-fg-muted">{t("home.account.via")}</dt>
                <dd className="text-fg">
                  {session.via === "apiKey"
                    ? t("home.account.viaApiKey")
                    : t("home.account.viaSession")}
                </dd>
              </div>
            </dl>
            {/* Only a browser session can delete its account; an API key is refused. */}
            {session.via === "session" ? (
              <CardFooter>
                <Button
                  variant="danger-ghost"
                  size="sm"
                  onClick={() => setDeleting(true)}
                  data-testid="delete-account"
                >
                  <Trash2 className="size-4" aria-hidden />
                  {t("home.deleteAccount.open")}
                </Button>
                <DeleteAccountDialog
                  open={deleting}
                  email={user.email}
                  onClose={() => setDeleting(false)}
                />
              </CardFooter>
            ) : null}
          </Card>
          {/* Browser sessions are listed for a browser session; an API key caller has none in use. */}
          {session.via === "session" ? <SessionsCard /> : null}
          <Card>
            <CardHeader title={t("home.shortcuts.title")} />
            <div className="p-2">
              <Shortcut
                to="/api-keys"
                icon={KeyRound}
                title={t("home.shortcuts.apiKeys")}
                hint={t("home.shortcuts.apiKeysHint")}
              />
              {panel ? (
                <Shortcut
                  to="/panel"
                  icon={SquareTerminal}
                  title={t("home.shortcuts.panel")}
                  hint={t("home.shortcuts.panelHint")}
                />
              ) : null}
            </div>
          </Card>
        </div>
      </div>
    </>
  );
}

function Shortcut({
  to,
  icon: Icon,
  title,
  hint,
}: {
  to: string;
  icon: LucideIcon;
  title: string;
  hint: string;
}) {
  return (
    <Link
      to={to}
      className="group flex items-center gap-3 rounded-lg p-3 transition-colors hover:bg-subtle"
    >
      <span className="flex size-9 shrink-0 items-center justify-center rounded-lg border border-line bg-surface text-fg-muted group-hover:text-accent">
        <Icon className="size-4" aria-hidden />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block text-sm font-medium text-fg">{title}</span>
        <span className="block text-[13px] text-fg-muted">{hint}</span>
      </span>
      <ArrowRight
        className="size-4 text-fg-subtle transition-transform group-hover:translate-x-0.5"
        aria-hidden
      />
    </Link>
  );
}
