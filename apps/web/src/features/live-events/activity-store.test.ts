import { describe, expect, it } from "vitest";

import { ACTIVITY_LIMIT, addActivity } from "./activity-store";
import type { ActivityEvent } from "./activity-store";

const event = (id: number): ActivityEvent => ({
  id,
  type: "apiKey.created",
  data: { name: `key ${id}` },
  createdAt: new Date(1_700_000_000_000 + id * 1000),
});

describe("addActivity", () => {
  it("keeps events newest first, even when they arrive out of order", () => {
    const events = [event(1), event(3), event(2)].reduce<ActivityEvent[]>(addActivity, []);
    expect(events.map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it("ignores an event it already has (a replay after reconnecting)", () => {
    const once = addActivity([], event(7));
    expect(addActivity(once, event(7))).toBe(once);
  });

  it(`keeps only the ${ACTIVITY_LIMIT} most recent events`, () => {
    let events: ActivityEvent[] = [];
    for (let id = 1; id <= ACTIVITY_LIMIT + 5; id++) events = addActivity(events, event(id));
    expect(events).toHaveLength(ACTIVITY_LIMIT);
    expect(events[0]?.id).toBe(ACTIVITY_LIMIT + 5);
    expect(events.at(-1)?.id).toBe(6);
  });
});
