import { Navigate, Outlet, useLocation, useOutletContext } from "react-router";

import { FullPageError, FullPageLoader } from "../components/full-page-status";
import { failureMessage } from "../features/errors/notify-error";
import { LiveEventsProvider } from "../features/live-events/live-events-provider";
import { usePanelAccess } from "../features/session/use-panel-access";
import { useSession } from "../features/session/use-session";
import type { Session } from "../features/session/types";
import { AppShell } from "../features/shell/app-shell";
import { readApiFailure } from "../lib/errors";

/** What signed-in pages get from the guard. */
export interface SignedInContext {
  session: Session;
  panel: boolean;
}

interface FromState {
  from?: string;
}

/** Where to go after signing in: the page that sent the visitor here, else the overview. */
function fromOf(state: unknown): string {
  if (typeof state === "object" && state !== null && "from" in state) {
    const { from } = state;
    if (typeof from === "string" && from.startsWith("/") && !from.startsWith("//")) return from;
  }
  return "/";
}

function SessionError({ error, retry }: { error: unknown; retry: () => void }) {
  return <FullPageError message={failureMessage(readApiFailure(error))} onRetry={retry} />;
}

/** Signed-out visitors go to sign-in (and come back here afterwards). */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoader />;
  if (session.isError)
    return <SessionError error={session.error} retry={() => void session.refetch()} />;
  if (!session.data) {
    return (
      <Navigate
        to="/sign-in"
        replace
        state={{ from: location.pathname + location.search } satisfies FromState}
      />
    );
  }
  return <SignedIn session={session.data} />;
}

function SignedIn({ session }: { session: Session }) {
  const panel = usePanelAccess(session.user);
  return (
    <LiveEventsProvider key={session.user.id} userId={session.user.id}>
      <AppShell user={session.user} panel={panel}>
        <Outlet context={{ session, panel } satisfies SignedInContext} />
      </AppShell>
    </LiveEventsProvider>
  );
}

export function useSignedIn(): SignedInContext {
  return useOutletContext<SignedInContext>();
}

/** Signed-in users have no business on the sign-in and sign-up pages. */
export function RedirectSignedIn() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoader />;
  if (session.data) return <Navigate to={fromOf(location.state)} replace />;
  return <Outlet />;
}
