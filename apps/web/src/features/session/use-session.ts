import { trpc } from "../../lib/trpc";

/** The signed-in user (or null). Errors are shown by the guard, not as toasts. */
export function useSession() {
  return trpc.auth.session.useQuery(undefined, {
    staleTime: 5 * 60_000,
    meta: { errorToast: false },
  });
}
