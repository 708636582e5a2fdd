import type { AuthDeps } from "./create-auth";
import { listApiKeysOf } from "./api-keys";
import type { AuthPrincipal, ApiKeySummary } from "./schemas";

/** The caller's API keys, newest first: names and first characters only, never the secret. */
export function listApiKeys(
  deps: Pick<AuthDeps, "db">,
  principal: AuthPrincipal,
): Promise<ApiKeySummary[]> {
  return listApiKeysOf(deps.db, principal.user.id);
}
