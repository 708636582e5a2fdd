/**
 * A system prompt handed from the prompt library to the chat page: written just before going
 * to /chat, read once (then removed) by the new chat there. Session storage rather than the
 * address, which is no place for long text.
 */
export const PENDING_SYSTEM_PROMPT_KEY = "genflow.chat.pendingSystemPrompt";

export function handOffSystemPrompt(text: string): void {
  try {
    sessionStorage.setItem(PENDING_SYSTEM_PROMPT_KEY, text);
  } catch {
    // Storage disabled: the chat opens without it.
  }
}

/** The system prompt waiting for a new chat, if any; it is taken (removed). */
export function takePendingSystemPrompt(): string {
  try {
    const text = sessionStorage.getItem(PENDING_SYSTEM_PROMPT_KEY) ?? "";
    sessionStorage.removeItem(PENDING_SYSTEM_PROMPT_KEY);
    return text;
  } catch {
    return "";
  }
}
