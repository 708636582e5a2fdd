import { notFound } from "../errors";
import { publishUserEvent } from "../events";
import type { AuthDeps } from "./create-auth";
import { deleteApiKeyOf } from "./api-keys";
import { principalCacheKey } from "./credentials";
import type { AuthPrincipal, RevokeApiKeyInput } from "./schemas";

/**
 * Deletes one of the caller's API keys and drops its cached resolution, so the next request with
 * it is unauthenticated. Someone else's key reads as not found.
 */
export async function revokeApiKey(
  deps: AuthDeps,
  principal: AuthPrincipal,
  input: RevokeApiKeyInput,
): Promise<{ id: string }> {
  const userId = principal.user.id;
  const hashedKey = await deleteApiKeyOf(deps.db, userId, input.id);
  if (!hashedKey) throw notFound("API key");
  await deps.cache.delete(principalCacheKey.apiKey(hashedKey));
  await publishUserEvent(deps, { userId, type: "apiKey.revoked", data: { id: input.id } });
  return { id: input.id };
}
