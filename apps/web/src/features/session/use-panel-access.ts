import { useQuery } from "@tanstack/react-query";

import type { SessionUser } from "./types";

/**
 * Whether the caller may use the API panel. The server decides (admins only in production,
 * everyone signed in during development) and enforces it on `/panel/schema.json`; for
 * non-admins the SPA asks that endpoint with a HEAD request instead of guessing the mode.
 */
export function usePanelAccess(user: SessionUser): boolean {
  const probe = useQuery({
    queryKey: ["panel-access", user.id],
    enabled: user.role !== "admin",
    staleTime: Infinity,
    retry: false,
    meta: { errorToast: false },
    queryFn: async ({ signal }) => {
      const response = await fetch("/panel/schema.json", {
        method: "HEAD",
        credentials: "same-origin",
        signal,
      });
      return response.ok;
    },
  });
  return user.role === "admin" || probe.data === true;
}
