/**
 * The editor's bookkeeping, apart from React: which fields the writer changed since the version
 * the editor is based on, what a save answered, how a conflict is settled, and the unsaved copy
 * kept in the browser. Only changed fields are sent, so the server can merge an edit of the
 * title in one tab with an edit of the body in another.
 */

export const EDITABLE_FIELDS = ["title", "slug", "body", "excerpt", "tags", "cover"] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** An article's cover: one of its author's uploads or cards. */
export interface CoverRef {
  kind: "upload" | "card";
  id: string;
}

export interface ArticleFields {
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  tags: string[];
  cover: CoverRef | null;
}

export function fieldsOf(article: ArticleFields): ArticleFields {
  return {
    title: article.title,
    slug: article.slug,
    body: article.body,
    excerpt: article.excerpt,
    tags: [...article.tags],
    cover: article.cover ? { kind: article.cover.kind, id: article.cover.id } : null,
  };
}

export function sameField(field: EditableField, a: ArticleFields, b: ArticleFields): boolean {
  if (field === "tags") return a.tags.join("\u0000") === b.tags.join("\u0000");
  if (field === "cover") return (a.cover?.id ?? null) === (b.cover?.id ?? null);
  return a[field] === b[field];
}

/** The fields `local` changed relative to `base`. */
export function changesOf(base: ArticleFields, local: ArticleFields): Partial<ArticleFields> {
  const changes: Partial<ArticleFields> = {};
  for (const field of EDITABLE_FIELDS) {
    if (!sameField(field, base, local)) Object.assign(changes, { [field]: local[field] });
  }
  return changes;
}

export function isDirty(base: ArticleFields, local: ArticleFields): boolean {
  return EDITABLE_FIELDS.some((field) => !sameField(field, base, local));
}

/**
 * The editor's fields once a save of `sent` (the local fields at the time) is answered with
 * `saved`: a field the writer has not touched since takes the saved value (someone else's merged
 * change included); one typed into meanwhile keeps what is typed.
 */
export function afterSave(
  local: ArticleFields,
  sent: ArticleFields,
  saved: ArticleFields,
): ArticleFields {
  const next = fieldsOf(saved);
  for (const field of EDITABLE_FIELDS) {
    if (!sameField(field, local, sent)) Object.assign(next, { [field]: local[field] });
  }
  return next;
}

export type Choice = "mine" | "theirs";

/**
 * A conflict settled: the server's copy (`theirs`, now the base) with, for each field in conflict,
 * the side chosen, and the writer's other changes (those the server did not clash with) kept.
 */
export function settleConflict(
  base: ArticleFields,
  local: ArticleFields,
  theirs: ArticleFields,
  choices: Partial<Record<EditableField, Choice>>,
): ArticleFields {
  const next = fieldsOf(theirs);
  for (const field of EDITABLE_FIELDS) {
    const mine = !sameField(field, base, local);
    const choice = choices[field];
    if (choice === "mine" || (choice === undefined && mine)) {
      Object.assign(next, { [field]: local[field] });
    }
  }
  return next;
}

/** What the browser keeps of an editor's unsaved work. */
export interface LocalCopy {
  /** The version the unsaved fields were based on (so a later save can still merge). */
  baseVersion: number;
  /** That version's fields: what the writer's changes are changes of. */
  baseFields: ArticleFields;
  fields: ArticleFields;
  savedAt: number;
}

const key = (articleId: string) => `genflow.article-draft.${articleId}`;

function isFields(value: unknown): value is ArticleFields {
  if (typeof value !== "object" || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields["title"] === "string" &&
    typeof fields["slug"] === "string" &&
    typeof fields["body"] === "string" &&
    typeof fields["excerpt"] === "string" &&
    Array.isArray(fields["tags"]) &&
    fields["tags"].every((tag) => typeof tag === "string") &&
    (fields["cover"] === null || typeof fields["cover"] === "object")
  );
}

function isLocalCopy(value: unknown): value is LocalCopy {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record["baseVersion"] === "number" &&
    typeof record["savedAt"] === "number" &&
    isFields(record["baseFields"]) &&
    isFields(record["fields"])
  );
}

export function loadLocalCopy(storage: Storage, articleId: string): LocalCopy | null {
  try {
    const raw = storage.getItem(key(articleId));
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isLocalCopy(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveLocalCopy(storage: Storage, articleId: string, copy: LocalCopy): void {
  try {
    storage.setItem(key(articleId), JSON.stringify(copy));
  } catch {
    // Storage full or disabled: the server copy is still there; nothing else to do.
  }
}

export function clearLocalCopy(storage: Storage, articleId: string): void {
  try {
    storage.removeItem(key(articleId));
  } catch {
    // As above.
  }
}

/** Tags as typed in one box: split on commas, trimmed, empty ones and repeats dropped. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，]/)
        .map((tag) => tag.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}
