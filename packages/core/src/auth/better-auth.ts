import { apiKey } from "@better-auth/api-key";
import { type Database, schema } from "@genflow/db";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";

import type { Logger } from "../ports";
import { promoteFirstUser } from "./first-admin";
import { quietContext } from "./quiet-context";
import { hashPassword, verifyPassword } from "./password";

/** Header the auth flows use to hand the caller's address (as resolved by the host) to the library. */
export const CLIENT_IP_HEADER = "x-genflow-client-ip";

export const API_KEY_PREFIX = "gf_";

export interface AuthConfig {
  /** Signs session cookies; at least 32 random characters. */
  secret: string;
  /** The public URL of the server, e.g. `https://genflow.example.com`. Cookies are Secure when it is https. */
  baseURL: string;
  /** Other origins (the SPA's, when served elsewhere) allowed to use cookie sessions. */
  trustedOrigins: string[];
  /** Session lifetime; defaults to 30 days. */
  sessionExpiresInSec?: number;
}

export function buildBetterAuth(db: Database, log: Logger, config: AuthConfig) {
  const secure = new URL(config.baseURL).protocol === "https:";
  const library = betterAuth({
    appName: "GenFlow",
    secret: config.secret,
    baseURL: config.baseURL,
    trustedOrigins: config.trustedOrigins,
    database: drizzleAdapter(db, {
      provider: "pg",
      transaction: false,
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        apikey: schema.apikey,
      },
    }),
    telemetry: { enabled: false },
    // Requests are limited by our own policies (see policies.ts), shared across processes.
    rateLimit: { enabled: false },
    logger: {
      level: "warn",
      log: (level, message, ...args) => {
        const bindings = args.length > 0 ? { component: "auth", args } : { component: "auth" };
        if (level === "error") log.error(bindings, message);
        else if (level === "warn") log.warn(bindings, message);
        else log.debug(bindings, message);
      },
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    user: {
      additionalFields: {
        role: { type: ["admin", "user"], required: false, defaultValue: "user", input: false },
      },
    },
    session: {
      expiresIn: config.sessionExpiresInSec ?? 30 * 24 * 3600,
      updateAge: 24 * 3600,
    },
    advanced: {
      cookiePrefix: "genflow",
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure, path: "/" },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    databaseHooks: {
      user: {
        create: {
          // Every account starts as a user; the installation's first one is then made admin.
          before: (user) => Promise.resolve({ data: { ...user, role: "user" } }),
          after: (user) => promoteFirstUser(db, user.id),
        },
      },
    },
    plugins: [
      apiKey({
        defaultPrefix: API_KEY_PREFIX,
        defaultKeyLength: 48,
        requireName: true,
        minimumNameLength: 1,
        maximumNameLength: 80,
        enableMetadata: false,
        enableSessionForAPIKeys: false,
        // Callers are limited by our own policies; no per-request counters in the database.
        rateLimit: { enabled: false },
        startingCharactersConfig: { shouldStore: true, charactersLength: 10 },
        keyExpiration: { defaultExpiresIn: null, minExpiresIn: 1, maxExpiresIn: 365 },
      }),
    ],
  });
  return { ...library, api: quietContext(library.api) };
}

export type BetterAuthInstance = ReturnType<typeof buildBetterAuth>;
