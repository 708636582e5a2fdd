import { z } from "zod";

/** Emails are compared and stored lowercase, without surrounding spaces. */
export const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const Password = z
  .string()
  .min(8, "Use at least 8 characters")
  .max(128, "Use at most 128 characters");

export const DisplayName = z.string().trim().min(1).max(80);

export const SignUpInput = z.object({ email: Email, password: Password, name: DisplayName });
export type SignUpInput = z.infer<typeof SignUpInput>;

/** Sign-in accepts any password length up to the maximum so that old rules never lock anyone out. */
export const SignInInput = z.object({ email: Email, password: z.string().min(1).max(128) });
export type SignInInput = z.infer<typeof SignInInput>;

export const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1).max(80),
  /** Omit for a key that never expires. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const RevokeApiKeyInput = z.object({ id: z.string().min(1).max(128) });
export type RevokeApiKeyInput = z.infer<typeof RevokeApiKeyInput>;

export const ListUsersInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .default({ limit: 50, offset: 0 });
export type ListUsersInput = z.infer<typeof ListUsersInput>;

export const Role = z.enum(["admin", "user"]);
export type Role = z.infer<typeof Role>;

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Who is calling: a signed-in browser session or an API key, and the user behind it. */
export interface AuthPrincipal {
  user: AuthUser;
  via: "session" | "apiKey";
  sessionId?: string;
  apiKeyId?: string;
}

/** An API key as listed to its owner: never the secret or its hash. */
export interface ApiKeySummary {
  id: string;
  name: string | null;
  /** The first characters of the key, to recognise it. */
  start: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** A freshly created key. `key` is the full secret, shown this once and stored only hashed. */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  start: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface UserSummary extends AuthUser {
  createdAt: Date;
}

/**
 * Read access to a request's headers (names are case-insensitive). A WHATWG `Headers` is one; a
 * host can also hand over a view of the headers it already parsed, without copying them.
 */
export interface RequestHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** Request facts the auth flows record or key limits on. */
export interface AuthRequest {
  headers: RequestHeaders;
  ip: string;
}
