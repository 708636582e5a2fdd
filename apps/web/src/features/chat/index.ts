export { ChatPage as default, ChatPage } from "./chat-page";
