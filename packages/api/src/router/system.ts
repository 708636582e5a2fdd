import { EventCursor, streamUserEvents } from "@genflow/core/events";
import { tracked } from "@trpc/server";
import { z } from "zod";

import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

export const OnEventsInput = z
  .object({
    /** Resume after this event id; the SSE reconnect fills it in from `Last-Event-ID`. */
    lastEventId: EventCursor.optional(),
  })
  .optional();

export const systemRouter = createTRPCRouter({
  /** Who am I, and what can this server do. Cheap; used by the SPA on load. */
  info: publicProcedure.query(async ({ ctx }) => {
    const principal = await ctx.principal();
    return {
      name: "GenFlow",
      user: principal?.user ?? null,
      via: principal?.via ?? null,
    };
  }),

  /**
   * The caller's event stream (API keys created, sign-ins, run progress…). Each event is tracked by
   * its id, so a reconnecting client receives exactly the events it missed. Without `lastEventId`
   * the stream starts with the next event.
   */
  onEvents: protectedProcedure.input(OnEventsInput).subscription(async function* ({
    ctx,
    input,
    signal,
    path,
  }) {
    ctx.services.metrics.subscriptionOpened(path);
    try {
      const events = streamUserEvents(ctx.services, {
        userId: ctx.user.id,
        lastEventId: input?.lastEventId,
        signal,
      });
      for await (const event of events) {
        yield tracked(String(event.id), event);
      }
    } finally {
      ctx.services.metrics.subscriptionClosed(path);
    }
  }),
});
