import { DomainError, forbidden } from "../errors";
import { publishUserEvent } from "../events";
import type { AuthDeps } from "./create-auth";
import { countApiKeysOf } from "./api-keys";
import type { AuthPrincipal, CreateApiKeyInput, CreatedApiKey } from "./schemas";

/** How many keys one user may hold at a time. */
export const MAX_API_KEYS_PER_USER = 50;

/**
 * Creates an API key for the signed-in user. The full key is returned this once; only its hash
 * is stored. Keys are created from a browser session, not with another key.
 */
export async function createApiKey(
  deps: AuthDeps,
  principal: AuthPrincipal,
  input: CreateApiKeyInput,
): Promise<CreatedApiKey> {
  if (principal.via !== "session")
    throw forbidden("Create API keys while signed in, not with an API key");
  const userId = principal.user.id;
  if ((await countApiKeysOf(deps.db, userId)) >= MAX_API_KEYS_PER_USER) {
    throw new DomainError(
      "LIMIT_EXCEEDED",
      `You can hold at most ${MAX_API_KEYS_PER_USER} API keys; revoke one first`,
      {
        details: { limit: MAX_API_KEYS_PER_USER },
      },
    );
  }
  const created = await deps.auth.library.api.createApiKey({
    body: {
      name: input.name,
      userId,
      expiresIn: input.expiresInDays === undefined ? null : input.expiresInDays * 24 * 3600,
    },
  });
  const key: CreatedApiKey = {
    id: created.id,
    name: input.name,
    key: created.key,
    start: created.start,
    createdAt: new Date(created.createdAt),
    expiresAt: created.expiresAt ? new Date(created.expiresAt) : null,
  };
  await publishUserEvent(deps, {
    userId,
    type: "apiKey.created",
    data: { id: key.id, name: key.name, start: key.start },
  });
  return key;
}
