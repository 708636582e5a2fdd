/**
 * A conversation is a tree of messages (`parentId`); the page shows one branch, from the first
 * message down to `currentLeafId`. Siblings (same parent) are the versions a branch switcher
 * steps through: edits of a message, or regenerated replies.
 */
export interface TreeMessage {
  id: string;
  parentId: string | null;
  createdAt: Date;
}

/** Oldest first, as the server orders them (creation time, then id). */
export function byCreation(a: TreeMessage, b: TreeMessage): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  if (diff !== 0) return diff;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The messages from the first one down to `leafId`, following parents. */
export function branchTo<M extends TreeMessage>(
  messages: readonly M[],
  leafId: string | null,
): M[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: M[] = [];
  const seen = new Set<string>();
  let current = leafId === null ? undefined : byId.get(leafId);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return path.reverse();
}

/** `message` and the other versions beside it (same parent), oldest first. */
export function siblingsOf<M extends TreeMessage>(messages: readonly M[], message: M): M[] {
  return messages.filter((other) => other.parentId === message.parentId).sort(byCreation);
}

/**
 * The leaf a switch to `rootId` shows: the newest message with no children under it (itself
 * when it has none), so switching back to a version returns to where that branch went last.
 */
export function newestLeafUnder<M extends TreeMessage>(
  messages: readonly M[],
  rootId: string,
): string {
  const children = new Map<string, M[]>();
  for (const message of messages) {
    if (message.parentId === null) continue;
    const list = children.get(message.parentId) ?? [];
    list.push(message);
    children.set(message.parentId, list);
  }
  const root = messages.find((message) => message.id === rootId);
  if (!root) return rootId;
  let best: M = root;
  let bestIsLeaf = false;
  const stack: M[] = [root];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current || seen.has(current.id)) continue;
    seen.add(current.id);
    const below = children.get(current.id) ?? [];
    if (below.length === 0) {
      if (!bestIsLeaf || byCreation(current, best) > 0) {
        best = current;
        bestIsLeaf = true;
      }
    } else {
      stack.push(...below);
    }
  }
  return best.id;
}

/** The last message of the branch shown, when it is still there; else the newest leaf. */
export function leafOf<M extends TreeMessage>(
  messages: readonly M[],
  currentLeafId: string | null,
): string | null {
  if (currentLeafId !== null && messages.some((message) => message.id === currentLeafId)) {
    return currentLeafId;
  }
  const roots = messages.filter((message) => message.parentId === null).sort(byCreation);
  const last = roots.at(-1);
  return last ? newestLeafUnder(messages, last.id) : null;
}

/**
 * A reply's text after a streamed piece that ends at character `end`: appended once, even when
 * the piece overlaps what is already there (a reconnect, or stored text that was ahead).
 */
export function appendPiece(current: string, text: string, end: number): string {
  if (end <= current.length) return current;
  const start = end - text.length;
  if (start <= current.length) return current + text.slice(current.length - start);
  // A gap should not happen (the stream resumes right after what we have): keep the text anyway.
  return current + text;
}
