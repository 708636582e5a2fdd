import { schema, type DbOrTx } from "@genflow/db";
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
import type { ImageFormat } from "../generate/card";
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
 * every other row with it (locked before the rest is read, so what the account's other sessions
 * add meanwhile goes too); then the remaining files, whose rows are gone (a failure there only
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

  // This session's cookies are cleared (and its session row deleted) before the user goes.
  const cookie = await deps.auth.sessionCookie(request.headers);
  const signedOut = await deps.auth.library.api.signOut({
    headers: libraryHeaders(request, cookie ?? undefined),
    returnHeaders: true,
  });

  // The last step locks the user row first: from then on nothing can be added to the account (a
  // row pointing at the user waits for the lock, and fails once the user is gone), so what the
  // remaining rows point at is read whole, including what the account's other sessions added
  // while the cards above were going, and leaves with the user row.
  const left = await db.transaction(async (tx) => {
    await tx
      .select({ id: schema.user.id })
      .from(schema.user)
      .where(eq(schema.user.id, userId))
      .for("update");
    const lateCards = await tx
      .delete(schema.cards)
      .where(eq(schema.cards.userId, userId))
      .returning({ key: schema.cards.key, format: schema.cards.format });
    const uploads = await tx
      .select({ id: schema.uploads.id })
      .from(schema.uploads)
      .where(eq(schema.uploads.userId, userId));
    const cutouts = await tx
      .select({ id: schema.cutouts.id, outputs: schema.cutouts.outputs })
      .from(schema.cutouts)
      .where(eq(schema.cutouts.userId, userId));
    const tasks = (await tx.select().from(t).where(eq(t.userId, userId))).map(toTask);
    const keys = await tx
      .select({ key: schema.apikey.key })
      .from(schema.apikey)
      .where(eq(schema.apikey.referenceId, userId));
    const sessions = await tx
      .select({ token: schema.session.token })
      .from(schema.session)
      .where(eq(schema.session.userId, userId));
    await tx.delete(schema.user).where(eq(schema.user.id, userId));
    return { lateCards, uploads, cutouts, tasks, keys, sessions };
  });
  const { uploads, cutouts, tasks, keys, sessions } = left;
  await Promise.all([
    ...(cookie ? [deps.cache.delete(principalCacheKey.session(sessionTokenOf(cookie.value)))] : []),
    ...sessions.map(({ token }) => deps.cache.delete(principalCacheKey.session(token))),
    ...keys.map(({ key }) => deps.cache.delete(principalCacheKey.apiKey(key))),
  ]);
  // Images of cards made meanwhile go as any card's does: with the last card of their key. Each
  // key is checked in a transaction of its own, after the user's lock is released, so it never
  // waits for a key held by a card being made that is itself waiting for the user row.
  await removeUnusedCardImages(
    deps,
    new Map(left.lateCards.map((card) => [card.key, card.format])),
  );

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
    await deps.db.transaction(async (tx) => {
      const keys = await lockKeys(tx, formats);
      await tx.delete(c).where(
        inArray(
          c.id,
          batch.map((card) => card.id),
        ),
      );
      await removeImagesOfUnusedKeys(tx, deps, keys, formats);
    });
    await forgetRecent(deps, formats);
  }
}

/** For cards already deleted: each key's image goes when no card uses the key any more. */
async function removeUnusedCardImages(
  deps: DeleteAccountDeps,
  formats: Map<string, ImageFormat>,
): Promise<void> {
  for (const key of [...formats.keys()].sort()) {
    const format = formats.get(key);
    if (!format) continue;
    const one = new Map([[key, format]]);
    await deps.db.transaction(async (tx) => {
      await removeImagesOfUnusedKeys(tx, deps, await lockKeys(tx, one), one);
    });
  }
  await forgetRecent(deps, formats);
}

/** Locks the keys in sorted order, so two deletions sharing keys never wait on each other in a circle. */
async function lockKeys(tx: DbOrTx, formats: Map<string, ImageFormat>): Promise<string[]> {
  const sorted = [...formats.keys()].sort();
  for (const key of sorted) await lockCardKey(tx, key);
  return sorted;
}

async function removeImagesOfUnusedKeys(
  tx: DbOrTx,
  deps: DeleteAccountDeps,
  keys: string[],
  formats: Map<string, ImageFormat>,
): Promise<void> {
  if (keys.length === 0) return;
  const c = schema.cards;
  const kept = await tx.selectDistinct({ key: c.key }).from(c).where(inArray(c.key, keys));
  const stillUsed = new Set(kept.map((row) => row.key));
  for (const key of keys) {
    const format = formats.get(key);
    if (stillUsed.has(key) || !format) continue;
    await removeCardBlobs(
      { blobs: deps.generate.blobs, cache: deps.cache },
      key,
      CARD_FILE_EXT[format],
    );
  }
}

/** Every process forgets the cards: their owner no longer has them, and some images are gone. */
async function forgetRecent(
  deps: DeleteAccountDeps,
  formats: Map<string, ImageFormat>,
): Promise<void> {
  const recent = deps.generate.recent;
  if (recent) await Promise.all([...formats.keys()].map((key) => recent.forget(key)));
}
