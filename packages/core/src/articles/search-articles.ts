import { schema } from "@genflow/db";
import { and, arrayContains, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { decodeOpaqueCursor, encodeOpaqueCursor } from "../pagination";
import { parseInput } from "../validation";
import { checkTag, searchScopesOf } from "./list-articles";
import { SearchArticlesInput, type ArticleActor, type ArticleStatus } from "./schemas";
import { cjkQuery, highlightWords, parseQuery, splitScripts, type QueryTerm } from "./search-text";
import { markMatches, matcher, snippet, type TextPart } from "./snippets";
import { canEdit } from "./store";

export interface ArticleSearchHit {
  id: string;
  slug: string;
  title: string;
  /** The title cut into parts, the query's words marked. */
  titleParts: TextPart[];
  /** A stretch of the body around the first match, the query's words marked. */
  snippet: TextPart[];
  tags: string[];
  status: ArticleStatus;
  authorId: string;
  authorName: string;
  publishedAt: Date | null;
  updatedAt: Date;
  canEdit: boolean;
  /** Which copy matched: the working copy (the caller's own) or the published one. */
  view: "working" | "published";
  /** How well it matched; higher first. */
  rank: number;
}

export interface ArticleSearchPage {
  items: ArticleSearchHit[];
  nextCursor: string | null;
}

/**
 * Every match is ranked when there are at most this many (of all the words, and of any of them).
 * A broader query — one common character, a list of common words — is ranked among up to
 * BROAD_CANDIDATES of its matches in the newest RECENT_WINDOW search rows: ranking all of its
 * tens of thousands of matches would take most of a second, and rank among them means little.
 */
export const CANDIDATES = 1_000;
export const BROAD_CANDIDATES = 300;
/** The newest search rows a broad query looks in. */
export const RECENT_WINDOW = 10_000;

/** Title words weigh more than body words (weights D, C, B, A). */
const WEIGHTS = "{0.05, 0.1, 0.4, 1.0}";
/** Rank divided by 1 + log(length): long articles do not win by length alone. */
const NORMALISATION = 1;

/** One term as a tsquery: its Latin words stemmed by `english`, its CJK runs as pairs. */
function termQuery(term: QueryTerm): SQL | null {
  const { latin, cjk } = splitScripts(term.text);
  const parts: SQL[] = [];
  if (/[\p{L}\p{N}]/u.test(latin)) {
    parts.push(
      term.phrase
        ? sql`phraseto_tsquery('english', ${latin})`
        : sql`plainto_tsquery('english', ${latin})`,
    );
  }
  for (const run of cjk) parts.push(sql`${cjkQuery(run)}::tsquery`);
  if (parts.length === 0) return null;
  return sql`(${sql.join(parts, sql` && `)})`;
}

/** A text[] literal of `values`, one parameter each (drivers disagree on array parameters). */
const textArray = (values: string[]) =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

const either = (queries: SQL[]) => sql`(${sql.join(queries, sql` || `)})`;

/** A search page's last hit: its rank and id. */
const Cursor = z.tuple([z.number(), z.uuid()]);

/**
 * Searches the titles and bodies of the articles the actor may read (their own working copies,
 * everyone else's published text), best match first. Every word counts but none is required:
 * articles matching more of them, and in the title, rank higher. `"quoted phrases"` match as
 * phrases, `-word` and `-"a phrase"` exclude. English words match their other forms (stems);
 * Chinese and Japanese match by characters (see `search-text.ts`), one character included.
 */
export async function searchArticles(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: SearchArticlesInput },
): Promise<ArticleSearchPage> {
  const input = parseInput(SearchArticlesInput, params.input, "The search is not valid");
  const { actor } = params;
  const terms = parseQuery(input.query);
  const wanted = terms.filter((term) => !term.exclude).flatMap((term) => termQuery(term) ?? []);
  const unwanted = terms.filter((term) => term.exclude).flatMap((term) => termQuery(term) ?? []);
  if (wanted.length === 0 && unwanted.length === 0) {
    throw new DomainError("VALIDATION", "Type a word to search for", {
      details: { fieldErrors: { query: ["No words to search for"] } },
    });
  }
  if (input.tag) await checkTag(deps.db, actor, input.tag);

  const s = schema.articleSearch;
  const query = wanted.length > 0 ? either(wanted) : null;
  const rank = query
    ? sql<number>`ts_rank(${WEIGHTS}::float4[], ${s.document}, ${query}, ${NORMALISATION})`
    : sql<number>`0::float4`;
  let after: { rank: number; id: string } | undefined;
  if (input.cursor) {
    const [rank, id] = decodeOpaqueCursor(input.cursor, Cursor);
    after = { rank, id };
  }
  const filters = and(
    unwanted.length > 0 ? sql`not (${s.document} @@ ${either(unwanted)})` : undefined,
    input.status ? eq(s.status, input.status) : undefined,
    input.tag ? arrayContains(s.tags, [input.tag]) : undefined,
    input.authorId ? eq(s.userId, input.authorId) : undefined,
  );
  const scopes = searchScopesOf(actor);

  const ranked = await deps.db.transaction(async (tx) => {
    // For a word in a fifth of the articles, Postgres reckons reading every search document as
    // cheap as the GIN index; it is ten times slower (each document is read from TOAST and
    // matched). The index is always the way here.
    await tx.execute(sql`set local enable_seqscan = off`);
    type Candidate = { articleId: string; scope: "working" | "published" };
    /**
     * The rows of one scope matching `match`: all of them when there are at most CANDIDATES,
     * else those among the newest RECENT_WINDOW search rows (a query that broad is ranked among
     * recent articles: ranking every match of one common character would take most of a second).
     */
    const candidatesIn = async (scope: SQL, match: SQL | null): Promise<Candidate[]> => {
      const where = and(scope, filters, match ? sql`${s.document} @@ ${match}` : undefined);
      const all = await tx
        .select({ articleId: s.articleId, scope: s.scope })
        .from(s)
        .where(where)
        .limit(CANDIDATES + 1);
      if (all.length <= CANDIDATES) return all;
      // Where the window starts, by the dates' index…
      const [edge] = await tx
        .select({ updatedAt: s.updatedAt })
        .from(s)
        .orderBy(desc(s.updatedAt))
        .offset(RECENT_WINDOW)
        .limit(1);
      // …then both indexes at once (the words' and the dates'): walking the dates' alone would
      // read every recent document to match it.
      await tx.execute(sql`set local enable_indexscan = off`);
      const recent = await tx
        .select({ articleId: s.articleId, scope: s.scope })
        .from(s)
        .where(and(where, edge ? gte(s.updatedAt, edge.updatedAt) : undefined))
        .limit(BROAD_CANDIDATES);
      await tx.execute(sql`set local enable_indexscan = on`);
      return recent;
    };
    const candidatesOf = async (match: SQL | null) => {
      const rows: Candidate[] = [];
      for (const scope of scopes) rows.push(...(await candidatesIn(scope, match)));
      return rows;
    };
    // Articles with every word are candidates however many others have some of them.
    const found = new Map<string, Candidate>();
    const groups = [
      ...(wanted.length > 1 ? [await candidatesOf(sql`(${sql.join(wanted, sql` && `)})`)] : []),
      await candidatesOf(query),
    ];
    for (const group of groups)
      for (const row of group) found.set(`${row.articleId}/${row.scope}`, row);
    if (found.size === 0) return [];
    const ids = [...found.values()].map((row) => row.articleId);
    const rowScopes = [...found.values()].map((row) => row.scope);
    const matches = tx
      .select({ articleId: s.articleId, scope: s.scope, rank: rank.as("rank") })
      .from(s)
      .innerJoin(
        sql`unnest(${textArray(ids)}, ${textArray(rowScopes)}) as candidate(article_id, scope)`,
        sql`candidate.article_id = ${s.articleId} and candidate.scope = ${s.scope}`,
      )
      .as("matches");
    return tx
      .select({ articleId: matches.articleId, scope: matches.scope, rank: matches.rank })
      .from(matches)
      .where(
        after
          ? sql`(${matches.rank} < ${after.rank}::float4 or (${matches.rank} = ${after.rank}::float4 and ${matches.articleId} > ${after.id}))`
          : undefined,
      )
      .orderBy(sql`${matches.rank} desc`, matches.articleId)
      .limit(input.limit + 1);
  });
  const page = ranked.slice(0, input.limit);
  if (page.length === 0) return { items: [], nextCursor: null };

  const a = schema.articles;
  const details = await deps.db
    .select({
      articleId: s.articleId,
      scope: s.scope,
      title: s.title,
      content: s.content,
      tags: s.tags,
      article: a,
      authorName: schema.user.name,
    })
    .from(s)
    .innerJoin(a, eq(a.id, s.articleId))
    .innerJoin(schema.user, eq(schema.user.id, a.userId))
    .where(
      inArray(
        s.articleId,
        page.map((hit) => hit.articleId),
      ),
    );
  const pattern = matcher(highlightWords(terms));
  const byKey = new Map(details.map((row) => [`${row.articleId}/${row.scope}`, row]));
  const items = page.flatMap((hit): ArticleSearchHit[] => {
    const row = byKey.get(`${hit.articleId}/${hit.scope}`);
    if (!row) return [];
    return [
      {
        id: row.article.id,
        slug: row.article.slug,
        title: row.title,
        titleParts: markMatches(row.title, pattern),
        snippet: snippet(row.content, pattern),
        tags: row.tags,
        status: row.article.status,
        authorId: row.article.userId,
        authorName: row.authorName,
        publishedAt: row.article.publishedAt,
        updatedAt: row.article.updatedAt,
        canEdit: canEdit(row.article, actor),
        view: row.scope,
        rank: Number(hit.rank),
      },
    ];
  });
  const last = page.at(-1);
  return {
    items,
    nextCursor:
      ranked.length > input.limit && last
        ? encodeOpaqueCursor([Number(last.rank), last.articleId])
        : null,
  };
}
