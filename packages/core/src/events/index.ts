export { publishUserEvent, type PublishUserEventInput } from "./publish-event";
export { UserEvent, userChannel } from "./schemas";
