import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import {
  articleTags,
  createArticle,
  deleteArticle,
  publishArticle,
  searchArticles,
  updateArticle,
  type ArticleActor,
  type SearchArticlesInput,
} from "../src/articles";
import { CANDIDATES } from "../src/articles/search-articles";
import { cjkQuery, cjkVector, parseQuery } from "../src/articles/search-text";
import { searchDocument } from "../src/articles/store";
import type { Logger } from "../src/ports";
import { recordingLogger } from "./adapters-helpers";
import { failure } from "./generate-pipeline-support/cards-suite";
import { createUser, steppingClock } from "./generate-pipeline-support/fixtures";

/**
 * Search on a small judged set: English, Chinese, Japanese and mixed articles, and queries whose
 * right answers are known. Runs on PGlite, and on Postgres with DATABASE_URL.
 */

let database: TestDatabase;
let deps: {
  db: TestDatabase["db"];
  pubsub: MemoryPubSub;
  clock: ReturnType<typeof steppingClock>;
  log: Logger;
};
let alice: ArticleActor;
let bob: ArticleActor;
const ids = new Map<string, string>();

const SET: { key: string; title: string; body: string; tags?: string[] }[] = [
  {
    key: "sourdough",
    title: "Baking sourdough bread at home",
    body: "Feed the **starter** the night before. Mix flour, water and salt, fold the dough every half hour, and bake it in a hot Dutch oven.",
    tags: ["food"],
  },
  {
    key: "banana",
    title: "Quick banana bread",
    body: "Ripe bananas, butter, sugar and flour: a loaf that needs no yeast and no kneading.",
    tags: ["food"],
  },
  {
    key: "neural",
    title: "Training a neural network",
    body: "Networks learn by gradient descent: the loss goes down as the weights are trained, one batch at a time.",
    tags: ["ml"],
  },
  {
    key: "tomatoes",
    title: "Tomatoes",
    body: "Grow them in containers on a sunny balcony and water them every morning.",
    tags: ["garden"],
  },
  {
    key: "balcony",
    title: "A balcony garden",
    body: "Herbs, lettuce and one pot of tomatoes fit on a small balcony.",
    tags: ["garden"],
  },
  {
    key: "ml-zh",
    title: "机器学习入门",
    body: "机器学习是人工智能的一个分支。神经网络通过梯度下降来训练模型。",
    tags: ["ml"],
  },
  {
    key: "beijing",
    title: "北京旅游攻略",
    body: "第一天去故宫，第二天爬长城，晚上吃北京烤鸭。",
    tags: ["travel"],
  },
  {
    key: "pork",
    title: "如何做红烧肉",
    body: "五花肉切块，加酱油、冰糖和料酒，小火慢炖一个小时。",
    tags: ["food"],
  },
  {
    key: "react",
    title: "React 组件设计",
    body: "在 React 中，组件是界面的基本单元。用 hooks 管理状态，让组件保持简单。",
    tags: ["frontend"],
  },
  {
    key: "sakura",
    title: "東京の桜",
    body: "東京で桜を見るなら上野公園がおすすめです。",
    tags: ["travel"],
  },
];

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  deps = {
    db: database.db,
    pubsub: new MemoryPubSub(),
    clock: steppingClock(),
    log: recordingLogger().log,
  };
  alice = { id: await createUser(database.db, "Alice"), role: "user" };
  bob = { id: await createUser(database.db, "Bob"), role: "user" };
  for (const item of SET) {
    const article = await createArticle(deps, {
      actor: alice,
      input: { title: item.title, body: item.body, tags: item.tags ?? [] },
    });
    ids.set(item.key, article.id);
  }
}, 60_000);

afterAll(async () => {
  await database.destroy();
});

async function top(query: string, input: Partial<SearchArticlesInput> = {}, actor = alice) {
  const page = await searchArticles(deps, { actor, input: { query, ...input } });
  const keys = new Map([...ids].map(([key, id]) => [id, key]));
  return page.items.map((hit) => keys.get(hit.id) ?? hit.id);
}

describe("the query language", () => {
  it("reads words, quoted phrases and exclusions", () => {
    expect(parseQuery('bread "gradient descent" -sourdough -"dutch oven" OR 长城')).toEqual([
      { text: "bread", phrase: false, exclude: false },
      { text: "gradient descent", phrase: true, exclude: false },
      { text: "sourdough", phrase: false, exclude: true },
      { text: "dutch oven", phrase: true, exclude: true },
      { text: "长城", phrase: false, exclude: false },
    ]);
  });

  it("indexes CJK as characters and pairs, and queries it as a phrase of pairs", () => {
    expect(cjkVector(["长城站"])).toBe("'长':1 '长城':1 '城':2 '城站':2 '站':3");
    expect(cjkQuery("肉")).toBe("'肉'");
    expect(cjkQuery("长城")).toBe("'长城'");
    expect(cjkQuery("机器学习")).toBe("'机器' <-> '器学' <-> '学习'");
  });
});

describe("searching English", () => {
  it("finds a word, with its other forms", async () => {
    expect((await top("sourdough"))[0]).toBe("sourdough");
    expect((await top("networks trained"))[0]).toBe("neural");
    expect((await top("container"))[0]).toBe("tomatoes");
  });

  it("ranks title matches above body matches", async () => {
    expect((await top("tomatoes")).slice(0, 2)).toEqual(["tomatoes", "balcony"]);
  });

  it("does not need every word: a question finds the article that answers most of it", async () => {
    expect((await top("how do I bake bread with a starter at home"))[0]).toBe("sourdough");
  });

  it("honours quoted phrases and exclusions", async () => {
    expect(await top('"gradient descent"')).toEqual(["neural"]);
    expect(await top('"descent gradient"')).toEqual([]);
    expect(await top("bread -sourdough")).toEqual(["banana"]);
    expect(await top('bread -"dutch oven"')).toEqual(["banana"]);
  });

  it("marks the words in the title and a snippet of the body", async () => {
    const page = await searchArticles(deps, { actor: alice, input: { query: "starter" } });
    const hit = page.items[0];
    expect(hit?.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(["starter"]);
    expect(hit?.snippet.map((part) => part.text).join("")).toContain("Feed the starter the night");
    const titled = await searchArticles(deps, { actor: alice, input: { query: "bread" } });
    expect(titled.items[0]?.titleParts.filter((p) => p.match).map((p) => p.text)).toEqual([
      "bread",
    ]);
  });
});

describe("searching Chinese and Japanese", () => {
  it("finds words of any length, one character included", async () => {
    expect((await top("机器学习"))[0]).toBe("ml-zh");
    expect(await top("长城")).toEqual(["beijing"]);
    expect(await top("肉")).toEqual(["pork"]);
    expect(await top("梯度下降")).toEqual(["ml-zh"]);
    expect(await top("桜")).toEqual(["sakura"]);
    expect(await top("上野公園")).toEqual(["sakura"]);
  });

  it("does not match characters that only appear apart", async () => {
    // 故 (故宫) and 城 (长城) are in the same article, never side by side.
    expect(await top("故城")).toEqual([]);
  });

  it("finds mixed Chinese and English articles by either script", async () => {
    expect((await top("组件"))[0]).toBe("react");
    expect((await top("react hooks"))[0]).toBe("react");
    expect((await top("神经网络 training")).slice(0, 2).sort()).toEqual(["ml-zh", "neural"]);
  });

  it("marks CJK matches in snippets", async () => {
    const page = await searchArticles(deps, { actor: alice, input: { query: "烤鸭" } });
    expect(page.items[0]?.snippet.filter((part) => part.match).map((part) => part.text)).toEqual([
      "烤鸭",
    ]);
  });
});

describe("what search shows to whom", () => {
  it("finds others' published text only, never their drafts or pending changes", async () => {
    const draft = await createArticle(deps, {
      actor: bob,
      input: { title: "Bob's secret zeppelin", body: "Unpublished." },
    });
    expect(await top("zeppelin")).toEqual([]);
    expect(await top("zeppelin", {}, bob)).toEqual([draft.id]);
    const published = await publishArticle(deps, { actor: bob, input: { id: draft.id } });
    expect(await top("zeppelin")).toEqual([draft.id]);
    await updateArticle(deps, {
      actor: bob,
      input: {
        id: draft.id,
        baseVersion: published.version,
        changes: { body: "Now about a walrus." },
      },
    });
    expect(await top("walrus")).toEqual([]);
    expect(await top("walrus", {}, bob)).toEqual([draft.id]);
    await deleteArticle(deps, { actor: bob, input: { id: draft.id } });
    expect(await top("zeppelin")).toEqual([]);
  });

  it("filters by tag and status, and refuses an unknown tag", async () => {
    expect(await top("bread", { tag: "food" })).toContain("banana");
    expect(await top("bread", { tag: "garden" })).toEqual([]);
    expect(await top("bread", { status: "published" })).toEqual([]);
    const error = await failure(
      searchArticles(deps, { actor: alice, input: { query: "bread", tag: "nope" } }),
    );
    expect(error).toMatchObject({
      code: "VALIDATION",
      details: { fieldErrors: { tag: ["Unknown tag"] } },
    });
    const tags = await articleTags(deps, { actor: alice });
    expect(tags[0]).toEqual({ tag: "food", count: 3 });
  });

  it("pages through results with a cursor, without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchArticles(deps, {
        actor: alice,
        input: { query: "bread flour tomatoes balcony", limit: 2, ...(cursor ? { cursor } : {}) },
      });
      seen.push(...page.items.map((hit) => hit.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.length).toBe(4);
    expect(new Set(seen).size).toBe(4);
  });

  it("refuses a query with nothing to search for", async () => {
    const error = await failure(searchArticles(deps, { actor: alice, input: { query: "!!!" } }));
    expect(error.code).toBe("VALIDATION");
  });
});

describe("a query broader than what is ranked", () => {
  it("still answers with ranked hits, title matches first, and pages without repeats", async () => {
    // More articles with one word than search ranks one by one, loaded directly.
    const author = await createUser(database.db, "Prolific");
    const rows = Array.from({ length: CANDIDATES + 200 }, (_, i) => ({
      id: randomUUID(),
      title: i % 100 === 0 ? `Ubiquitous title ${i}` : `Note ${i}`,
      body: `A ubiquitous word in note ${i}.`,
      updatedAt: new Date(Date.parse("2031-01-01T00:00:00Z") + i * 1000),
    }));
    for (let i = 0; i < rows.length; i += 200) {
      const batch = rows.slice(i, i + 200);
      await database.db.insert(schema.articles).values(
        batch.map((row) => ({
          id: row.id,
          userId: author,
          slug: `bulk-${row.id}`,
          title: row.title,
          body: row.body,
          status: "published" as const,
          updatedAt: row.updatedAt,
        })),
      );
      await database.db.insert(schema.articleSearch).values(
        batch.map((row) => ({
          articleId: row.id,
          scope: "published" as const,
          userId: author,
          status: "published" as const,
          tags: [],
          title: row.title,
          ...searchDocument(row.title, row.body),
          updatedAt: row.updatedAt,
        })),
      );
    }
    const seen = new Set<string>();
    let cursor: string | undefined;
    let first: Awaited<ReturnType<typeof searchArticles>> | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await searchArticles(deps, {
        actor: alice,
        input: { query: "ubiquitous", limit: 50, ...(cursor ? { cursor } : {}) },
      });
      first ??= page;
      for (const hit of page.items) {
        expect(seen.has(hit.id)).toBe(false);
        seen.add(hit.id);
      }
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(first?.items).toHaveLength(50);
    expect(seen.size).toBeGreaterThanOrEqual(250);
    // Among what was ranked, the articles with the word in their title come first.
    const titled = first?.items.filter((hit) => hit.title.startsWith("Ubiquitous")) ?? [];
    expect(titled.length).toBeGreaterThan(0);
    expect(
      first?.items.slice(0, titled.length).every((hit) => hit.title.startsWith("Ubiquitous")),
    ).toBe(true);
  }, 60_000);
});
