import { z } from "zod";

/** One entry in a user's event stream. `id` is the stream position used for resuming. */
export const UserEvent = z.object({
  id: z.number().int().positive(),
  type: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
});
export type UserEvent = z.infer<typeof UserEvent>;

export const userChannel = (userId: string) => `user:${userId}:events`;
