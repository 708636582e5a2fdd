import type { AppRouter } from "@genflow/api";
import type { inferRouterOutputs } from "@trpc/server";
import type { TFunction } from "i18next";
import { LogOut, Monitor, MonitorSmartphone, Smartphone } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardFooter, CardHeader } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/confirm-dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { readApiFailure } from "../../lib/errors";
import { formatDateTime } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { describeUserAgent } from "../../lib/user-agent";
import { notifyError } from "../errors/notify-error";

type SessionSummary = inferRouterOutputs<AppRouter>["auth"]["sessions"]["list"][number];

/** "Chrome on macOS", or as much of it as the User-Agent tells. */
function deviceOf(userAgent: string | null, t: TFunction): { label: string; mobile: boolean } {
  const { browser, os } = userAgent ? describeUserAgent(userAgent) : { browser: null, os: null };
  const label =
    browser && os
      ? t("events.browserOnOs", { browser, os })
      : (browser ?? os ?? t("home.sessions.unknownDevice"));
  return { label, mobile: os === "iOS" || os === "Android" };
}

/** The session in use on top, the others most recently active first (the server's order). */
function currentFirst(sessions: SessionSummary[]): SessionSummary[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Where the account is signed in (browser sessions), the one in use marked, with a way to sign
 * the others out. Sign-ins and sign-outs elsewhere refresh the list through live events.
 */
export function SessionsCard() {
  const { t } = useTranslation();
  const sessions = trpc.auth.sessions.list.useQuery();
  const [confirming, setConfirming] = useState(false);
  const others = sessions.data?.filter((session) => !session.current).length ?? 0;

  return (
    <Card data-testid="sessions-card">
      <CardHeader title={t("home.sessions.title")} description={t("home.sessions.subtitle")} />
      {sessions.isPending ? (
        <div className="space-y-4 px-5 py-4" aria-busy>
          {[0, 1].map((row) => (
            <div key={row} className="flex items-start gap-2.5">
              <Skeleton className="size-4 shrink-0" />
              <div className="flex-1 space-y-2">
                <Skeleton className="h-4 w-2/5" />
                <Skeleton className="h-3.5 w-3/5" />
              </div>
            </div>
          ))}
        </div>
      ) : sessions.isError ? (
        <EmptyState
          compact
          icon={MonitorSmartphone}
          title={t("home.sessions.loadFailed")}
          action={
            <Button size="sm" onClick={() => void sessions.refetch()}>
              {t("common.retry")}
            </Button>
          }
        />
      ) : sessions.data.length === 0 ? (
        <EmptyState compact icon={MonitorSmartphone} title={t("home.sessions.empty")} />
      ) : (
        <ul className="divide-y divide-line">
          {currentFirst(sessions.data).map((session) => (
            <SessionRow key={session.id} session={session} />
          ))}
        </ul>
      )}
      {others > 0 ? (
        <CardFooter>
          <Button
            variant="danger-ghost"
            size="sm"
            onClick={() => setConfirming(true)}
            data-testid="sessions-revoke-others"
          >
            <LogOut className="size-4" aria-hidden />
            {t("home.sessions.revokeOthers.open")}
          </Button>
          <RevokeOthersDialog
            open={confirming}
            count={others}
            onClose={() => setConfirming(false)}
          />
        </CardFooter>
      ) : null}
    </Card>
  );
}

function SessionRow({ session }: { session: SessionSummary }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const utils = trpc.useUtils();
  const device = deviceOf(session.userAgent, t);
  const Icon = device.mobile ? Smartphone : Monitor;
  const revoke = trpc.auth.sessions.revoke.useMutation({
    meta: { errorToast: false },
    onSuccess: async () => {
      await utils.auth.sessions.list.invalidate();
      toast.success(t("home.sessions.revoked", { device: device.label }));
    },
    onError: (error) => {
      // Already gone (signed out there, or expired): the list was only out of date.
      if (readApiFailure(error).code === "NOT_FOUND") toast.info(t("home.sessions.alreadyEnded"));
      else notifyError(error);
      void utils.auth.sessions.list.invalidate();
    },
  });

  return (
    <li
      data-testid="session-row"
      data-current={session.current ? "true" : "false"}
      className="grid grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-2.5 px-5 py-3"
    >
      {/* A small icon beside the name, not a tile: the side column leaves little room. */}
      <Icon className="row-span-2 mt-0.5 size-4 self-start text-fg-subtle" aria-hidden />
      <div className={cx("flex min-w-0 items-center gap-2", session.current && "col-span-2")}>
        <p className="truncate text-sm font-medium text-fg" title={session.userAgent ?? undefined}>
          {device.label}
        </p>
        {session.current ? (
          <Badge tone="success" className="shrink-0">
            {t("home.sessions.thisDevice")}
          </Badge>
        ) : null}
      </div>
      {session.current ? null : (
        // Beside the name, out of the way of the lines below, which keep the card's full width;
        // its padding hangs into the card's so the name has room in the narrow side column.
        <Button
          size="sm"
          variant="ghost"
          className="-my-1.5 -mr-2"
          loading={revoke.isPending}
          onClick={() => revoke.mutate({ id: session.id })}
          aria-label={t("home.sessions.revokeLabel", { device: device.label })}
          data-testid="session-revoke"
        >
          {t("home.sessions.revoke")}
        </Button>
      )}
      <div className="col-span-2 mt-0.5 min-w-0 text-[13px] text-fg-muted">
        <p>
          {t("home.sessions.signedIn")}{" "}
          <time dateTime={session.createdAt.toISOString()}>
            {formatDateTime(session.createdAt, language)}
          </time>
        </p>
        {session.ipAddress ? (
          <p className="truncate tabular-nums" title={session.ipAddress}>
            {session.ipAddress}
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** Asks before signing out every other session; closes when done or failed (failures are toasts). */
function RevokeOthersDialog({
  open,
  count,
  onClose,
}: {
  open: boolean;
  count: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const revoke = trpc.auth.sessions.revokeOthers.useMutation({
    onSuccess: async (result) => {
      await utils.auth.sessions.list.invalidate();
      toast.success(t("home.sessions.revokeOthers.done", { count: result.count }));
      onClose();
    },
    onError: () => onClose(),
  });
  return (
    <ConfirmDialog
      open={open}
      pending={revoke.isPending}
      onClose={onClose}
      onConfirm={() => revoke.mutate()}
      title={t("home.sessions.revokeOthers.title")}
      description={t("home.sessions.revokeOthers.description", { count })}
      confirmLabel={t("home.sessions.revokeOthers.confirm")}
      pendingLabel={t("home.sessions.revokeOthers.revoking")}
      testId="sessions-revoke-others-confirm"
    />
  );
}
