import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type ConversationDetail = Outputs["aiChat"]["conversations"]["byId"];
export type ChatConversation = ConversationDetail["conversation"];
export type ChatMessage = ConversationDetail["messages"][number];
export type ChatMessageStatus = ChatMessage["status"];
export type ConversationSummary = Outputs["aiChat"]["conversations"]["list"]["items"][number];
export type ChatProvidersInfo = Outputs["aiChat"]["providers"];
export type ChatProviderInfo = ChatProvidersInfo["providers"][number];
export type StartedReply = Outputs["aiChat"]["send"];
export type ContextPreview = Outputs["aiChat"]["context"];
export type ContextInput = Inputs["aiChat"]["context"];

/** The model a conversation uses (or a new one will). */
export interface ModelChoice {
  providerId: string;
  model: string;
}
