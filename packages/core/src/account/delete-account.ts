import { schema } from "@genflow/db";
import { and, asc, count, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";

import type { AuthDeps } from "../auth/create-auth";
import { principalCacheKey, sessionTokenOf } from "../auth/credentials";
import { verifyPassword } from "../auth/password";
import { signInEmailLimitKey } from "../auth/policies";
import { libraryHeaders, setCookies } from "../auth/request-headers";
import type { AuthPrincipal, AuthRequest } from "../auth/schemas";
import { CUTOUT_VIEWS, cutoutKeys } from "../cutout/store";
import { DomainError } from "../errors";
import { lockCardKey, removeCardBlobs } from "../generate/cache-key";
import type { GenerateDeps } from "../generate/ports";
import { CARD_FILE_EXT } from "../generate/schemas";
import type { BlobStorage } from "../ports";
import { cancelTask } from "../tasks/cancel-task";
import { removeTaskFiles } from "../tasks/delete-task";
import type { TasksConfig } from "../tasks/ports";
import { toTask } from "../tasks/store";
import { uploadBlobKey } from "../uploads/queries";
import { parseInput } from "../validation";

export const DeleteAccountInput = z.object({
  /** The account's current password, asked again for so a left-open browser cannot do this. */
  password: z.string().min(1).max(1024),
});
export type DeleteAccountInput = z.infer<typeof DeleteAccountInput>;

/** Cards are removed this many at a time, each batch in a transaction of its own. */
const CARD_BATCH = 100;

export interface DeleteAccountDeps extends AuthDeps {
  generate: Pick<GenerateDeps, "blobs" | "recent">;
  uploads: { blobs: BlobStorage };
  tasks: TasksConfig;
  /** Where cut-outs keep their files; absent on a host without cut-outs (their rows still go). */
  cutoutBlobs?: BlobStorage | undefined;
}

/**
 * Deletes the caller's account and everything in it, for good: cards, uploads, cut-outs,
 * articles, conversations and prompts, tasks, events, API keys and sessions, with the files of
 * each. It needs the browser session of the account and its password again.
 *
 * The order keeps a failure harmless: the password is checked first; running tasks are asked to
 * stop (their handlers, wherever they run, see the abort); cards go a batch at a time, each
 * card's image with its last card, as deleting one card does; then the user row, which takes
 * every other row with it; then the remaining files, whose rows are gone (a failure there only
 * leaves unreachable bytes, and is logged). Every session and key of the account stops working
 * at once, on every process.
 */
export async function deleteAccount(
  deps: DeleteAccountDeps,
  principal: AuthPrincipal,
  rawInput: unknown,
  request: AuthRequest,
): Promise<{ cookies: string[] }> {
  const input = parseInput(DeleteAccountInput, rawInput, "The request is not valid");
  if (principal.via !== "session") {
    throw new DomainError(
      "FORBIDDEN",
      "An account can only be deleted from a signed-in browser session, not with an API key",
    );
  }
  const userId = principal.user.id;
  const db = deps.db;

  const [credential] = await db
    .select({ password: schema.account.password })
    .from(schema.account)
    .where(and(eq(schema.account.userId, userId), eq(schema.account.providerId, "credential")))
    .limit(1);
  const hash = credential?.password;
  if (!hash || !(await verifyPassword({ hash, password: input.password }))) {
    throw new DomainError("FORBIDDEN", "The password is not right", {
      details: { field: "password" },
    });
  }
  await deps.rateLimiter.reset("auth.signIn.email", signInEmailLimitKey(principal.user.email));

  if (principal.user.role === "admin") {
    const [admins] = await db
      .select({ n: count() })
      .from(schema.user)
      .where(and(eq(schema.user.role, "admin"), ne(schema.user.id, userId)));
    const [others] = await db
      .select({ n: count() })
      .from(schema.user)
      .where(ne(schema.user.id, userId));
    if ((admins?.n ?? 0) === 0 && (others?.n ?? 0) > 0) {
      throw new DomainError(
        "CONFLICT",
        "You are the only administrator, and other accounts exist: another account must be made an administrator before this one can be deleted",
      );
    }
  }

  // Running handlers stop and write no more files (a queued task simply goes with its row).
  const t = schema.tasks;
  const running = await db
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.userId, userId), eq(t.status, "running")));
  for (const { id } of running) {
    await cancelTask(deps, { userId, input: { id } }).catch((error: unknown) => {
      if (error instanceof DomainError) return; // It finished meanwhile.
      throw error;
    });
  }

  await removeCards(deps, userId);

  // What the remaining rows point at, read before the rows go.
  const uploads = await db
    .select({ id: schema.uploads.id })
    .from(schema.uploads)
    .where(eq(schema.uploads.userId, userId));
  const cutouts = await db
    .select({ id: schema.cutouts.id, outputs: schema.cutouts.outputs })
    .from(schema.cutouts)
    .where(eq(schema.cutouts.userId, userId));
  const tasks = (await db.select().from(t).where(eq(t.userId, userId))).map(toTask);
  const keys = await db
    .select({ key: schema.apikey.key })
    .from(schema.apikey)
    .where(eq(schema.apikey.referenceId, userId));
  const sessions = await db
    .select({ token: schema.session.token })
    .from(schema.session)
    .where(eq(schema.session.userId, userId));

  // This session's cookies are cleared (and its session row deleted) before the user goes.
  const cookie = await deps.auth.sessionCookie(request.headers);
  const signedOut = await deps.auth.library.api.signOut({
    headers: libraryHeaders(request, cookie ?? undefined),
    returnHeaders: true,
  });
  await db.delete(schema.user).where(eq(schema.user.id, userId));
  await Promise.all([
    ...(cookie ? [deps.cache.delete(principalCacheKey.session(sessionTokenOf(cookie.value)))] : []),
    ...sessions.map(({ token }) => deps.cache.delete(principalCacheKey.session(token))),
    ...keys.map(({ key }) => deps.cache.delete(principalCacheKey.apiKey(key))),
  ]);

  const failed = (
    await Promise.allSettled([
      ...uploads.map(({ id }) => deps.uploads.blobs.delete(uploadBlobKey(id))),
      ...cutouts.flatMap(({ id, outputs }) =>
        [
          cutoutKeys.source(id),
          cutoutKeys.mask(id),
          ...CUTOUT_VIEWS.map((name) => cutoutKeys.view(id, name)),
          ...outputs.map((output) => cutoutKeys.output(id, output.name)),
        ].map((key) => (deps.cutoutBlobs ?? deps.uploads.blobs).delete(key)),
      ),
    ])
  ).filter((result) => result.status === "rejected").length;
  for (const task of tasks) await removeTaskFiles(deps, task);
  if (failed > 0) {
    deps.log.warn({ userId, failed }, "some files of a deleted account were not removed");
  }
  deps.log.info(
    { userId, uploads: uploads.length, cutouts: cutouts.length, tasks: tasks.length },
    "account deleted",
  );
  return { cookies: setCookies(signedOut.headers) };
}

/**
 * Deletes the user's cards a batch at a time; a card's image goes with the last card of its key
 * (anyone's), under the key's lock, as `deleteCard` does.
 */
async function removeCards(deps: DeleteAccountDeps, userId: string): Promise<void> {
  const c = schema.cards;
  for (;;) {
    const batch = await deps.db
      .select({ id: c.id, key: c.key, format: c.format })
      .from(c)
      .where(eq(c.userId, userId))
      .orderBy(asc(c.id))
      .limit(CARD_BATCH);
    if (batch.length === 0) return;
    const formats = new Map(batch.map((card) => [card.key, card.format]));
    // Locks in key order, so two deletions sharing keys never wait on each other in a circle.
    const sortedKeys = [...formats.keys()].sort();
    await deps.db.transaction(async (tx) => {
      for (const key of sortedKeys) await lockCardKey(tx, key);
      await tx.delete(c).where(
        inArray(
          c.id,
          batch.map((card) => card.id),
        ),
      );
      const kept = await tx
        .selectDistinct({ key: c.key })
        .from(c)
        .where(inArray(c.key, sortedKeys));
      const stillUsed = new Set(kept.map((row) => row.key));
      const gone = sortedKeys.filter((key) => !stillUsed.has(key));
      for (const key of gone) {
        const format = formats.get(key);
        if (format) {
          await removeCardBlobs(
            { blobs: deps.generate.blobs, cache: deps.cache },
            key,
            CARD_FILE_EXT[format],
          );
        }
      }
    });
    // Every process forgets them: their owner no longer has them, and some images are gone.
    const recent = deps.generate.recent;
    if (recent) await Promise.all(sortedKeys.map((key) => recent.forget(key)));
  }
}
