import { schema, type DbOrTx } from "@genflow/db";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { diffArrays, diffLines, diffWordsWithSpace } from "diff";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { parseInput } from "../validation";
import {
  DiffRevisionsInput,
  ListRevisionsInput,
  NameRevisionInput,
  RestoreRevisionInput,
  RevisionRef,
  type Article,
  type ArticleActor,
  type ArticleRevision,
  type ArticleRevisionWithBody,
} from "./schemas";
import {
  addRevision,
  announce,
  authorName,
  canEdit,
  contentOf,
  indexArticle,
  latestRevision,
  lockArticle,
  notFound,
  sameValue,
  staleVersion,
  toArticle,
  toRevision,
  type ArticleContent,
  type ArticleRow,
  type RevisionRow,
} from "./store";

const r = schema.articleRevisions;

/** The article whose history the actor asks about: its author's and admins' only. */
async function ownArticle(db: DbOrTx, id: string, actor: ArticleActor): Promise<ArticleRow> {
  const [row] = await db.select().from(schema.articles).where(eq(schema.articles.id, id));
  if (!row || !canEdit(row, actor)) throw notFound();
  return row;
}

async function revisionRow(db: DbOrTx, articleId: string, number: number): Promise<RevisionRow> {
  const [row] = await db
    .select()
    .from(r)
    .where(and(eq(r.articleId, articleId), eq(r.number, number)));
  if (!row) {
    throw new DomainError("NOT_FOUND", `Revision ${number} not found`, {
      details: { fieldErrors: { number: ["No such revision"] } },
    });
  }
  return row;
}

/** The names of the users in `ids`, for showing who made each revision. */
async function namesOf(
  db: DbOrTx,
  ids: (string | null)[],
): Promise<(id: string | null) => string | null> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const rows =
    wanted.length === 0
      ? []
      : await db
          .select({ id: schema.user.id, name: schema.user.name })
          .from(schema.user)
          .where(inArray(schema.user.id, wanted));
  const names = new Map(rows.map((row) => [row.id, row.name]));
  return (id) => (id === null ? null : (names.get(id) ?? null));
}

export interface RevisionPage {
  items: ArticleRevision[];
  /** Pass as `before` for the next (older) page. */
  nextBefore: number | null;
}

/** An article's revisions, newest first, without their bodies. */
export async function listRevisions(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: ListRevisionsInput },
): Promise<RevisionPage> {
  const input = parseInput(ListRevisionsInput, params.input, "The request is not valid");
  const article = await ownArticle(deps.db, input.id, params.actor);
  const rows = await deps.db
    .select()
    .from(r)
    .where(and(eq(r.articleId, article.id), input.before ? lt(r.number, input.before) : undefined))
    .orderBy(desc(r.number))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const names = await namesOf(
    deps.db,
    page.map((row) => row.authorId),
  );
  return {
    items: page.map((row) => toRevision(row, names, article.publishedRevisionId)),
    nextBefore: rows.length > input.limit ? (page.at(-1)?.number ?? null) : null,
  };
}

/** One revision, with its body. */
export async function getRevision(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: RevisionRef },
): Promise<ArticleRevisionWithBody> {
  const input = parseInput(RevisionRef, params.input, "The request is not valid");
  const article = await ownArticle(deps.db, input.id, params.actor);
  const row = await revisionRow(deps.db, article.id, input.number);
  const names = await namesOf(deps.db, [row.authorId]);
  return { ...toRevision(row, names, article.publishedRevisionId), body: row.body };
}

/** A run of text that both sides share, or that one side has and the other not. */
export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export interface RevisionDiff {
  from: { number: number; version: number };
  /** `number` null: the working copy. */
  to: { number: number | null; version: number };
  /** The fields that differ. */
  changed: string[];
  /** Word by word. */
  title: DiffPart[];
  slug: DiffPart[];
  excerpt: DiffPart[];
  /** Line by line. */
  body: DiffPart[];
  tags: { added: string[]; removed: string[] };
  cover: { from: ArticleContent["cover"]; to: ArticleContent["cover"] };
}

const parts = (changes: { value: string; added?: boolean; removed?: boolean }[]): DiffPart[] =>
  changes.map((change) => ({
    value: change.value,
    added: change.added === true,
    removed: change.removed === true,
  }));

/** What changed between two revisions (or a revision and the working copy), readably. */
export async function diffRevisions(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: DiffRevisionsInput },
): Promise<RevisionDiff> {
  const input = parseInput(DiffRevisionsInput, params.input, "The request is not valid");
  const article = await ownArticle(deps.db, input.id, params.actor);
  const from = await revisionRow(deps.db, article.id, input.from);
  const to: ArticleContent & { number: number | null; version: number } =
    input.to === undefined
      ? { ...contentOf(article), number: null, version: article.version }
      : await revisionRow(deps.db, article.id, input.to);
  const tagChanges = diffArrays(from.tags, to.tags);
  const fields = ["title", "slug", "body", "excerpt", "tags", "cover"] as const;
  return {
    from: { number: from.number, version: from.version },
    to: { number: to.number, version: to.version },
    changed: fields.filter((field) => !sameValue(field, from[field], to[field])),
    title: parts(diffWordsWithSpace(from.title, to.title)),
    slug: parts(diffWordsWithSpace(from.slug, to.slug)),
    excerpt: parts(diffWordsWithSpace(from.excerpt, to.excerpt)),
    body: parts(diffLines(from.body, to.body)),
    tags: {
      added: tagChanges.filter((c) => c.added).flatMap((c) => c.value),
      removed: tagChanges.filter((c) => c.removed).flatMap((c) => c.value),
    },
    cover: { from: from.cover, to: to.cover },
  };
}

/**
 * Brings an old revision's content back as a new revision (title, body, excerpt, tags and cover;
 * the address stays). History is kept whole, and nothing is published: readers of a published
 * article go on seeing what was published until its author publishes again. Like an update, it
 * names the version it was based on; on an older one it is CONFLICT with the current copy.
 */
export async function restoreRevision(
  deps: Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">,
  params: { actor: ArticleActor; input: RestoreRevisionInput },
): Promise<Article> {
  const input = parseInput(RestoreRevisionInput, params.input, "The request is not valid");
  const { actor } = params;
  const row = await deps.db.transaction(async (tx) => {
    const current = await lockArticle(tx, input.id, actor);
    if (input.baseVersion !== current.version) {
      throw await staleVersion(
        tx,
        current,
        actor,
        input.baseVersion,
        "look at it again before restoring",
      );
    }
    const old = await revisionRow(tx, current.id, input.number);
    const restored = { ...contentOf(old), slug: current.slug };
    const changed = (["title", "body", "excerpt", "tags", "cover"] as const).filter(
      (field) => !sameValue(field, restored[field], current[field]),
    );
    const version = current.version + 1;
    const fieldVersions = { ...current.fieldVersions };
    for (const field of changed) fieldVersions[field] = version;
    const [updated] = await tx
      .update(schema.articles)
      .set({ ...restored, version, fieldVersions, updatedAt: deps.clock.now() })
      .where(eq(schema.articles.id, current.id))
      .returning();
    if (!updated) throw new Error("article update returned no row");
    await addRevision(tx, {
      article: updated,
      authorId: actor.id,
      kind: "restore",
      changed,
      restoredFrom: old.number,
      previous: await latestRevision(tx, current.id),
    });
    await indexArticle(tx, updated, "working", updated);
    return updated;
  });
  await announce(deps, row, actor, "revision");
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}

/** Names a revision (a named version), or takes its name off with an empty name. */
export async function nameRevision(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  params: { actor: ArticleActor; input: NameRevisionInput },
): Promise<ArticleRevision> {
  const input = parseInput(NameRevisionInput, params.input, "The request is not valid");
  const article = await ownArticle(deps.db, input.id, params.actor);
  const row = await revisionRow(deps.db, article.id, input.number);
  const [named] = await deps.db
    .update(r)
    .set({ name: input.name === "" ? null : input.name })
    .where(eq(r.id, row.id))
    .returning();
  if (!named) throw new Error("revision update returned no row");
  await announce(deps, article, params.actor, "revision");
  const names = await namesOf(deps.db, [named.authorId]);
  return toRevision(named, names, article.publishedRevisionId);
}
