export { publishUserEvent, type PublishUserEventInput } from "./publish-event";
export { listUserEvents, latestUserEventId } from "./list-events";
export { streamUserEvents, type StreamUserEventsInput } from "./stream-events";
export {
  EVENT_RETENTION_DEFAULTS,
  pruneUserEvents,
  PruneUserEventsInput,
  type PruneUserEventsResult,
} from "./prune-events";
export { EventCursor, ListUserEventsInput, UserEvent, userChannel } from "./schemas";
