/** One event from the user's stream as the UI keeps it. */
export interface ActivityEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** How many recent events the feed keeps. */
export const ACTIVITY_LIMIT = 30;

interface Stored {
  lastEventId: number;
  events: { id: number; type: string; data: Record<string, unknown>; createdAt: string }[];
}

const keyOf = (userId: string) => `genflow.activity.${userId}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseEvent(value: unknown): ActivityEvent | null {
  if (!isRecord(value)) return null;
  const { id, type, data, createdAt } = value;
  if (typeof id !== "number" || typeof type !== "string" || typeof createdAt !== "string")
    return null;
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime())) return null;
  return { id, type, data: isRecord(data) ? data : {}, createdAt: date };
}

/**
 * The tab's feed survives reloads: the recent events and the stream position live in
 * sessionStorage, so a reload resumes the stream after the last event seen instead of losing it.
 */
export function loadActivity(userId: string): {
  lastEventId: number | null;
  events: ActivityEvent[];
} {
  try {
    const raw = sessionStorage.getItem(keyOf(userId));
    if (!raw) return { lastEventId: null, events: [] };
    const parsed: unknown = JSON.parse(raw);
    if (!isRecord(parsed) || typeof parsed.lastEventId !== "number") {
      return { lastEventId: null, events: [] };
    }
    const events = Array.isArray(parsed.events)
      ? parsed.events.map(parseEvent).filter((event): event is ActivityEvent => event !== null)
      : [];
    return { lastEventId: parsed.lastEventId, events };
  } catch {
    return { lastEventId: null, events: [] };
  }
}

export function saveActivity(userId: string, events: ActivityEvent[]) {
  const newest = events[0];
  if (!newest) return;
  const stored: Stored = {
    lastEventId: newest.id,
    events: events.map((event) => ({ ...event, createdAt: event.createdAt.toISOString() })),
  };
  try {
    sessionStorage.setItem(keyOf(userId), JSON.stringify(stored));
  } catch {
    // Storage full or blocked: the feed still works for this page view.
  }
}

export function clearActivity() {
  try {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const key = sessionStorage.key(i);
      if (key?.startsWith("genflow.activity.")) sessionStorage.removeItem(key);
    }
  } catch {
    // Nothing stored.
  }
}

/** Adds an event, newest first, once per id, keeping the most recent ACTIVITY_LIMIT. */
export function addActivity(events: ActivityEvent[], event: ActivityEvent): ActivityEvent[] {
  if (events.some((existing) => existing.id === event.id)) return events;
  return [event, ...events].sort((a, b) => b.id - a.id).slice(0, ACTIVITY_LIMIT);
}
