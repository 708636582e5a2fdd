import { type Database, schema } from "@genflow/db";
import { asc, eq, sql } from "drizzle-orm";

/** Serialises promotions so that concurrent first sign-ups still produce exactly one admin. */
const FIRST_ADMIN_LOCK_ID = 7_201_946_552;

/**
 * Makes `userId` an administrator when the installation has none yet and this is its earliest
 * account. Run after each account is created: the first account becomes the admin, later ones
 * never do (not even if every admin is later removed).
 */
export async function promoteFirstUser(db: Database, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_ID})`);
    const [admin] = await tx
      .select({ id: schema.user.id })
      .from(schema.user)
      .where(eq(schema.user.role, "admin"))
      .limit(1);
    if (admin) return;
    const [earliest] = await tx
      .select({ id: schema.user.id })
      .from(schema.user)
      .orderBy(asc(schema.user.createdAt), asc(schema.user.id))
      .limit(1);
    if (earliest?.id !== userId) return;
    await tx.update(schema.user).set({ role: "admin" }).where(eq(schema.user.id, userId));
  });
}
