// `pnpm bench:articles`: article search over 100,000 synthetic articles (English, Chinese and
// mixed; see corpus.ts) on real Postgres and on embedded PGlite, side by side with a plain
// `ILIKE '%term%'` scan of the same rows; and creates and updates from 20 writers at once.
// See docs/benchmarks.md for the method.
//
//   --articles <n>       articles in the corpus (default 100000)
//   --targets <list>     postgres,pglite (default both; postgres only when it answers)
//   --rounds <n>         times each search query runs, after one warm-up pass (default 5)
//   --writers <n>        concurrent writers (default 20)
//   --write-seconds <n>  how long the writers write (default 15)
//   --no-doc             do not update docs/benchmarks.md
//   --keep               keep the Postgres database (its URL is printed), to look into queries
//
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the Postgres server: the
// run creates a throwaway database there and drops it afterwards. PGlite runs in a temporary
// folder on disk, as GenFlow's default does. docs/benchmarks.md is rewritten only after a run with
// the default counts on both databases.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import { MemoryPubSub } from "@genflow/core/adapters/memory";
import {
  createArticle,
  searchArticles,
  searchDocument,
  updateArticle,
  type ArticleActor,
} from "@genflow/core/articles";
import { systemClock } from "@genflow/core/ports";
import { createDb, schema, type DbHandle } from "@genflow/db";
import { sql } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import postgres from "postgres";

import { currentLoad, describeMachine, DOC_PATH } from "../report";
import { stderrLogger } from "../tasks/genflow-host";
import { articleWriter, benchQueries, vocabulary, type BenchQuery } from "./corpus";
import { formatConsole, updateDoc, type ArticlesReport, type TargetReport } from "./format";

const { values } = parseArgs({
  options: {
    articles: { type: "string", default: "100000" },
    targets: { type: "string", default: "postgres,pglite" },
    rounds: { type: "string", default: "5" },
    writers: { type: "string", default: "20" },
    "write-seconds": { type: "string", default: "15" },
    "no-doc": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const ARTICLES = Number(values.articles);
const ROUNDS = Number(values.rounds);
const WRITERS = Number(values.writers);
const WRITE_SECONDS = Number(values["write-seconds"]);
const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const AUTHORS = 50;
const BATCH = 250;

const log = (line: string) => process.stderr.write(`${line}\n`);

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

interface Target {
  name: "postgres" | "pglite";
  handle: DbHandle;
  close(): Promise<void>;
}

async function postgresTarget(): Promise<Target | null> {
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => undefined, connect_timeout: 3 });
  const name = `genflow_bench_${randomBytes(6).toString("hex")}`;
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    log(`postgres: skipped (${error instanceof Error ? error.message : String(error)})`);
    await admin.end({ timeout: 1 });
    return null;
  }
  await admin.end({ timeout: 5 });
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), maxConnections: WRITERS + 2 });
  return {
    name: "postgres",
    handle,
    async close() {
      await handle.close();
      if (values.keep) {
        log(`postgres: kept ${url.toString()}`);
        return;
      }
      const dropper = postgres(DATABASE_URL, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end({ timeout: 5 });
    },
  };
}

async function pgliteTarget(): Promise<Target> {
  const dir = await mkdtemp(path.join(tmpdir(), "genflow-bench-articles-"));
  const handle = await createDb({ pgliteDir: dir });
  return {
    name: "pglite",
    handle,
    async close() {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Loads the corpus with the product's own search documents, `BATCH` articles per statement. */
async function seed(handle: DbHandle, authors: string[]): Promise<number> {
  const vocab = vocabulary();
  const write = articleWriter(vocab);
  const started = performance.now();
  const base = Date.parse("2026-01-01T00:00:00Z");
  for (let done = 0; done < ARTICLES; done += BATCH) {
    const articles: (typeof schema.articles.$inferInsert)[] = [];
    const search: PgInsertValue<typeof schema.articleSearch>[] = [];
    for (let i = done; i < Math.min(ARTICLES, done + BATCH); i++) {
      const article = write();
      const id = randomUUID();
      const userId = authors[i % authors.length] ?? "";
      const published = i % 10 !== 0;
      const updatedAt = new Date(base + i * 60_000);
      const status = published ? ("published" as const) : ("draft" as const);
      articles.push({
        id,
        userId,
        slug: `article-${i}`,
        title: article.title,
        body: article.body,
        tags: article.tags,
        status,
        version: 1,
        publishedVersion: published ? 1 : null,
        publishedAt: published ? updatedAt : null,
        createdAt: updatedAt,
        updatedAt,
      });
      const { document, content } = searchDocument(article.title, article.body);
      const row = {
        articleId: id,
        userId,
        status,
        tags: article.tags,
        title: article.title,
        content,
        document,
        updatedAt,
      };
      search.push({ ...row, scope: "working" });
      if (published) search.push({ ...row, scope: "published" });
    }
    await handle.db.insert(schema.articles).values(articles);
    await handle.db.insert(schema.articleSearch).values(search);
    if ((done / BATCH) % 40 === 0) log(`  loaded ${done.toLocaleString("en-US")} articles`);
  }
  await handle.db.execute(sql`analyze`);
  return performance.now() - started;
}

async function timeSearches(
  handle: DbHandle,
  reader: ArticleActor,
  queries: BenchQuery[],
): Promise<Map<BenchQuery["kind"], { samples: number[]; hits: number[] }>> {
  const deps = { db: handle.db };
  const results = new Map<BenchQuery["kind"], { samples: number[]; hits: number[] }>();
  for (const query of queries)
    await searchArticles(deps, { actor: reader, input: { query: query.query } });
  for (let round = 0; round < ROUNDS; round++) {
    for (const query of queries) {
      const started = performance.now();
      const page = await searchArticles(deps, { actor: reader, input: { query: query.query } });
      const ms = performance.now() - started;
      const entry = results.get(query.kind) ?? { samples: [], hits: [] };
      entry.samples.push(ms);
      if (round === 0) entry.hits.push(page.items.length);
      results.set(query.kind, entry);
    }
  }
  return results;
}

/** The naive baseline: a scan of what the reader may read, any term anywhere, newest first. */
async function timeIlike(
  handle: DbHandle,
  reader: ArticleActor,
  queries: BenchQuery[],
): Promise<Map<BenchQuery["kind"], number[]>> {
  const a = schema.articles;
  const results = new Map<BenchQuery["kind"], number[]>();
  const run = (query: BenchQuery) => {
    const any = sql.join(
      query.terms.map((term) => {
        const pattern = `%${term.replace(/[\\%_]/g, "\\$&")}%`;
        return sql`(${a.title} ilike ${pattern} or ${a.body} ilike ${pattern})`;
      }),
      sql` or `,
    );
    return handle.db
      .select({ id: a.id })
      .from(a)
      .where(
        sql`${a.status} = 'published' and ${a.deletedAt} is null and ${a.userId} <> ${reader.id} and (${any})`,
      )
      .orderBy(sql`${a.updatedAt} desc`)
      .limit(10);
  };
  await run(queries[0] ?? { kind: "one-word", query: "x", terms: ["x"] });
  for (const query of queries) {
    const started = performance.now();
    await run(query);
    const list = results.get(query.kind) ?? [];
    list.push(performance.now() - started);
    results.set(query.kind, list);
  }
  return results;
}

/** `WRITERS` authors at once: each creates an article, then autosaves and saves it in turn. */
async function timeWrites(handle: DbHandle, authors: string[]) {
  const log = stderrLogger({ bench: "articles" });
  const deps = { db: handle.db, pubsub: new MemoryPubSub({ log }), clock: systemClock, log };
  const creates: number[] = [];
  const updates: number[] = [];
  let conflicts = 0;
  const deadline = performance.now() + WRITE_SECONDS * 1000;
  const writer = async (n: number) => {
    const actor: ArticleActor = { id: authors[n % authors.length] ?? "", role: "user" };
    let started = performance.now();
    let article = await createArticle(deps, {
      actor,
      input: { title: `Writer ${n} draft`, body: "First line." },
    });
    creates.push(performance.now() - started);
    let body = article.body;
    let count = 0;
    while (performance.now() < deadline) {
      count += 1;
      if (count % 10 === 0) {
        started = performance.now();
        article = await createArticle(deps, {
          actor,
          input: { title: `Writer ${n} draft ${count}`, body: "First line." },
        });
        creates.push(performance.now() - started);
        body = article.body;
        continue;
      }
      body += `\nLine ${count} with some more words from writer ${n}.`;
      started = performance.now();
      try {
        const result = await updateArticle(deps, {
          actor,
          input: {
            id: article.id,
            baseVersion: article.version,
            changes: { body },
            mode: count % 5 === 0 ? "save" : "autosave",
            sessionId: `writer-${n}-session`,
          },
        });
        article = result.article;
      } catch {
        conflicts += 1;
      }
      updates.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
  const seconds = (performance.now() - started) / 1000;
  return { creates, updates, conflicts, opsPerSecond: (creates.length + updates.length) / seconds };
}

async function runTarget(target: Target): Promise<TargetReport> {
  const { handle } = target;
  await handle.migrate();
  const authors: string[] = [];
  for (let i = 0; i <= AUTHORS; i++) {
    const id = randomUUID();
    await handle.db
      .insert(schema.user)
      .values({ id, name: `Author ${i}`, email: `${id}@bench.test` });
    authors.push(id);
  }
  const readerId = authors.pop() ?? "";
  const reader: ArticleActor = { id: readerId, role: "user" };
  log(`${target.name}: loading ${ARTICLES.toLocaleString("en-US")} articles…`);
  const seedMs = await seed(handle, authors);
  log(`${target.name}: loaded in ${(seedMs / 1000).toFixed(0)} s; searching…`);
  const queries = benchQueries(vocabulary());
  const search = await timeSearches(handle, reader, queries);
  log(`${target.name}: the ILIKE baseline…`);
  const ilike = await timeIlike(handle, reader, queries);
  log(`${target.name}: ${WRITERS} writers for ${WRITE_SECONDS} s…`);
  const writes = await timeWrites(handle, authors);
  return {
    target: target.name,
    seedMs,
    kinds: (["one-word", "multi-word", "chinese"] as const).map((kind) => {
      const genflow = search.get(kind) ?? { samples: [], hits: [] };
      const baseline = ilike.get(kind) ?? [];
      return {
        kind,
        queries: queries.filter((q) => q.kind === kind).length,
        examples: queries
          .filter((q) => q.kind === kind)
          .slice(0, 3)
          .map((q) => q.query),
        meanHits: genflow.hits.reduce((a, b) => a + b, 0) / Math.max(1, genflow.hits.length),
        genflow: {
          p50: percentile(genflow.samples, 50),
          p95: percentile(genflow.samples, 95),
          n: genflow.samples.length,
        },
        ilike: { p50: percentile(baseline, 50), p95: percentile(baseline, 95), n: baseline.length },
      };
    }),
    writes: {
      writers: WRITERS,
      seconds: WRITE_SECONDS,
      create: {
        p50: percentile(writes.creates, 50),
        p95: percentile(writes.creates, 95),
        n: writes.creates.length,
      },
      update: {
        p50: percentile(writes.updates, 50),
        p95: percentile(writes.updates, 95),
        n: writes.updates.length,
      },
      conflicts: writes.conflicts,
      opsPerSecond: writes.opsPerSecond,
    },
  };
}

async function main() {
  const wanted = new Set(values.targets.split(","));
  const targets: TargetReport[] = [];
  const loadBefore = currentLoad();
  for (const name of ["postgres", "pglite"] as const) {
    if (!wanted.has(name)) continue;
    const target = name === "postgres" ? await postgresTarget() : await pgliteTarget();
    if (!target) continue;
    try {
      targets.push(await runTarget(target));
    } finally {
      await target.close();
    }
  }
  const report: ArticlesReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: describeMachine(),
    loadBefore,
    articles: ARTICLES,
    rounds: ROUNDS,
    targets,
  };
  process.stdout.write(`${formatConsole(report)}\n`);
  const full =
    ARTICLES === 100_000 && targets.length === 2 && values.writers === "20" && !values["no-doc"];
  if (full) {
    updateDoc(report, DOC_PATH);
    log("updated docs/benchmarks.md");
  } else {
    log("docs/benchmarks.md not updated (not a full run on both databases, or --no-doc)");
  }
}

await main();
