import { type DbOrTx, schema } from "@genflow/db";
import { eq } from "drizzle-orm";

import type { AuthUser } from "./schemas";

/** One user as the rest of the product sees them. */
export async function findAuthUser(db: DbOrTx, userId: string): Promise<AuthUser | null> {
  const [row] = await db
    .select({
      id: schema.user.id,
      email: schema.user.email,
      name: schema.user.name,
      role: schema.user.role,
    })
    .from(schema.user)
    .where(eq(schema.user.id, userId))
    .limit(1);
  return row ?? null;
}
