import type { KeyboardEvent } from "react";

/**
 * Enter sends, Shift+Enter starts a new line. Enter that confirms an input method's composition
 * (pinyin, kana) only ends the composition.
 */
export function enterToSend(send: () => void) {
  return (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    if (event.keyCode === 229) return; // Safari reports composition Enter this way.
    event.preventDefault();
    send();
  };
}
