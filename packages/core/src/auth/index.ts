export { createAuth, type Auth, type AuthDeps } from "./create-auth";
export type { AuthConfig } from "./better-auth";
export { API_KEY_PREFIX } from "./better-auth";
export { PRINCIPAL_CACHE_TTL_MS } from "./authenticate";
export { addressLimitKey, IPV6_LIMIT_PREFIX, sessionAddress } from "./client-address";
export { hashApiKey } from "./credentials";
export { authRateLimitPolicies, signInEmailLimitKey, type AuthRateLimitPolicy } from "./policies";
export { signUp, type SignedIn } from "./sign-up";
export { signIn } from "./sign-in";
export { signOut } from "./sign-out";
export { createApiKey, MAX_API_KEYS_PER_USER } from "./create-api-key";
export { listApiKeys } from "./list-api-keys";
export { revokeApiKey } from "./revoke-api-key";
export { listUsers } from "./list-users";
export {
  listSessions,
  revokeOtherSessions,
  revokeSession,
  RevokeSessionInput,
  type SessionSummary,
} from "./sessions";
export {
  CreateApiKeyInput,
  DisplayName,
  Email,
  ListUsersInput,
  Password,
  RevokeApiKeyInput,
  Role,
  SignInInput,
  SignUpInput,
  type ApiKeySummary,
  type AuthPrincipal,
  type AuthRequest,
  type RequestHeaders,
  type AuthUser,
  type CreatedApiKey,
  type UserSummary,
} from "./schemas";
