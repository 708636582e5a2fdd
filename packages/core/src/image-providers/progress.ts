/**
 * Wraps `onProgress` so it only hears whole percentages in 0–100 that never go down, and only
 * when the percentage or the message changed.
 */
export function progressReporter(
  onProgress: ((percent: number, message: string) => void) | undefined,
): (percent: number, message: string) => void {
  let last = -1;
  let lastMessage = "";
  return (percent, message) => {
    if (!onProgress) return;
    const next = Math.max(last, Math.min(100, Math.max(0, Math.round(percent))));
    if (next === last && message === lastMessage) return;
    last = next;
    lastMessage = message;
    onProgress(next, message);
  };
}
