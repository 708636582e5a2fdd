import { schema } from "@genflow/db";
import { sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { visibleSearchRows } from "./list-articles";
import type { ArticleActor } from "./schemas";

export interface ArticleTagCount {
  tag: string;
  /** Articles the caller can see that carry it. */
  count: number;
}

/** The tags on the articles the caller can see (their own and everything published), most used first. */
export async function articleTags(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor },
): Promise<ArticleTagCount[]> {
  const s = schema.articleSearch;
  const tag = sql<string>`tag`;
  const rows = await deps.db
    .select({ tag, count: sql<number>`count(distinct ${s.articleId})::int` })
    .from(sql`${s}, unnest(${s.tags}) as tag`)
    .where(visibleSearchRows(params.actor))
    .groupBy(tag)
    .orderBy(sql`2 desc`, tag)
    .limit(500);
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
}
