import { schema } from "@genflow/db";
import { asc } from "drizzle-orm";

import type { AuthDeps } from "./create-auth";
import type { ListUsersInput, UserSummary } from "./schemas";

/** Every account, oldest first, a page at a time. For administrators (the caller checks). */
export async function listUsers(
  deps: Pick<AuthDeps, "db">,
  input: ListUsersInput,
): Promise<{ users: UserSummary[]; total: number }> {
  const [users, total] = await Promise.all([
    deps.db
      .select({
        id: schema.user.id,
        email: schema.user.email,
        name: schema.user.name,
        role: schema.user.role,
        createdAt: schema.user.createdAt,
      })
      .from(schema.user)
      .orderBy(asc(schema.user.createdAt), asc(schema.user.id))
      .limit(input.limit)
      .offset(input.offset),
    deps.db.$count(schema.user),
  ]);
  return { users, total };
}
