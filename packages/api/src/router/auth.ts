import {
  addressLimitKey,
  createApiKey,
  CreateApiKeyInput,
  listApiKeys,
  listUsers,
  ListUsersInput,
  revokeApiKey,
  RevokeApiKeyInput,
  listSessions,
  revokeOtherSessions,
  revokeSession,
  RevokeSessionInput,
  signIn,
  signInEmailLimitKey,
  SignInInput,
  signOut,
  signUp,
  SignUpInput,
} from "@genflow/core/auth";
import { deleteAccount, DeleteAccountInput } from "@genflow/core/account";

import type { Context } from "../context";
import {
  adminProcedure,
  createTRPCRouter,
  enforceRateLimit,
  protectedProcedure,
  publicProcedure,
} from "../trpc";

function setCookies(ctx: Pick<Context, "appendResponseHeader">, cookies: string[]) {
  for (const cookie of cookies) ctx.appendResponseHeader("Set-Cookie", cookie);
}

const apiKeysRouter = createTRPCRouter({
  /** The caller's keys: name, first characters, created, last used, expiry. Never the key. */
  list: protectedProcedure.query(({ ctx }) => listApiKeys(ctx.services, ctx.principal)),
  /** Creates a key; the full key is in this response only. */
  create: protectedProcedure
    .input(CreateApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.services, ctx.principal, input)),
  /** Revokes one of the caller's keys; it stops working immediately. */
  revoke: protectedProcedure
    .input(RevokeApiKeyInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.services, ctx.principal, input)),
});

const sessionsRouter = createTRPCRouter({
  /** Where the caller is signed in: browser, address, when; the one in use is marked. */
  list: protectedProcedure.query(({ ctx }) => listSessions(ctx.services, ctx.principal)),
  /** Signs one of the caller's other sessions out, on every process at once. */
  revoke: protectedProcedure
    .input(RevokeSessionInput)
    .mutation(({ ctx, input }) => revokeSession(ctx.services, ctx.principal, input)),
  /** Signs out every session of the caller's but the one in use. */
  revokeOthers: protectedProcedure.mutation(({ ctx }) =>
    revokeOtherSessions(ctx.services, ctx.principal),
  ),
});

export const authRouter = createTRPCRouter({
  signUp: publicProcedure.input(SignUpInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "auth.signUp.ip", addressLimitKey(ctx.ip));
    const { user, cookies } = await signUp(ctx.services, input, ctx);
    setCookies(ctx, cookies);
    return { user };
  }),

  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "auth.signIn.ip", addressLimitKey(ctx.ip));
    await enforceRateLimit(ctx, "auth.signIn.email", signInEmailLimitKey(input.email));
    const { user, cookies } = await signIn(ctx.services, input, ctx);
    setCookies(ctx, cookies);
    return { user };
  }),

  /** Ends the current browser session and clears its cookies. Safe to call when signed out. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const { cookies } = await signOut(ctx.services, ctx);
    setCookies(ctx, cookies);
    return { ok: true as const };
  }),

  /**
   * Deletes the caller's account and everything in it, for good, and clears its cookies. Needs
   * the browser session (not an API key) and the account's password again; wrong passwords count
   * against the same per-account limit as sign-in.
   */
  deleteAccount: protectedProcedure.input(DeleteAccountInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "auth.signIn.email", signInEmailLimitKey(ctx.user.email));
    const services = ctx.services;
    const { cookies } = await deleteAccount(
      { ...services, cutoutBlobs: services.cutout?.blobs },
      ctx.principal,
      input,
      ctx,
    );
    setCookies(ctx, cookies);
    return { ok: true as const };
  }),

  /** The current caller, or null. */
  session: publicProcedure.query(async ({ ctx }) => {
    const principal = await ctx.principal();
    return principal ? { user: principal.user, via: principal.via } : null;
  }),

  apiKeys: apiKeysRouter,
  sessions: sessionsRouter,

  /** Every account, for administrators. */
  users: adminProcedure
    .input(ListUsersInput)
    .query(({ ctx, input }) => listUsers(ctx.services, input)),
});
