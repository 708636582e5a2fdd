import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestHarness, type TestHarness } from "./support";

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});

afterAll(async () => {
  await h.close();
});

describe("the first account on a fresh installation", () => {
  it("becomes the only admin even when several accounts sign up at once", async () => {
    const accounts = await Promise.all(Array.from({ length: 5 }, () => h.signUp()));
    const admins = accounts.filter((account) => account.user.role === "admin");
    expect(admins).toHaveLength(1);

    const rows = await h.db.query.user.findMany({
      orderBy: (users, { asc }) => [asc(users.createdAt), asc(users.id)],
    });
    expect(rows.filter((row) => row.role === "admin").map((row) => row.id)).toEqual([rows[0]?.id]);
    expect(admins[0]?.user.id).toBe(rows[0]?.id);

    // The promotion is visible to the admin's session straight away.
    const session = await h.caller({ cookie: admins[0]?.cookie ?? "" }).auth.session();
    expect(session?.user.role).toBe("admin");
  });

  it("is never repeated: later accounts stay users even if no admin remains", async () => {
    await h.db.update(schema.user).set({ role: "user" }).where(eq(schema.user.role, "admin"));
    const late = await h.signUp();
    expect(late.user.role).toBe("user");
  });
});
