import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { and, eq, inArray } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { DomainError } from "../src/errors";
import { taskKinds } from "../src/tasks/kinds";
import {
  CARDS_BATCH_MAX_DATA_BYTES,
  CARDS_BATCH_MAX_ROWS,
  CardsBatchInput,
  cardsBatchZipKey,
} from "../src/tasks/kinds/cards-batch";
import { cardFileNames, safeStem } from "../src/tasks/kinds/cards-batch/file-names";
import { ZipBuilder } from "../src/tasks/kinds/cards-batch/zip";
import { createUpload, DEFAULT_UPLOAD_LIMITS } from "../src/uploads";
import { formatOf } from "./generate-pipeline-support/formats";
import { photoBytes } from "./generate-pipeline-support/images";
import {
  attempt,
  rejection,
  taskFor,
  unzip,
  useBatchSuite,
} from "./tasks-cards-batch-support/harness";

/**
 * `cards.batch` through the real card pipeline: rows (JSON or CSV) checked before anything is
 * drawn, one card per row in the owner's history, a zip with a manifest in the task's storage,
 * progress, stopping between cards, file names and cleanup.
 */

const s = useBatchSuite();

/** A small card size, so batches render quickly. */
const SIZE = { width: 480, height: 252 };
const base = { templateId: "quote", size: SIZE, theme: { preset: "dark" } } as const;
/** Quote rows no other test renders (so nothing comes from the cache). */
const quotes = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    quote: `Batch ${randomUUID()} #${i + 1}`,
    author: "Ada",
  }));

const renders = () => s.cards.renderer.jobs.length;

async function storedZip(taskId: string) {
  const bytes = await s.storage.get(cardsBatchZipKey(taskId));
  if (!bytes) throw new Error("no zip stored");
  return bytes;
}

function expectMonotonicTo100(progress: { percent: number }[]) {
  const percents = progress.map((p) => p.percent);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  expect(percents.at(-1)).toBe(100);
  expect(percents.every((p) => Number.isInteger(p) && p >= 0 && p <= 100)).toBe(true);
}

describe("cards.batch", () => {
  it("turns JSON rows into a zip of decodable PNGs at the asked size plus a manifest", async () => {
    const rows = quotes(3);
    // Row 2 has a character no bundled font covers: its card is made, with a warning.
    rows[1] = { quote: `Private use \u{10FFFD} ${randomUUID()}`, author: "Ada" };
    const run = attempt(s.cards.alice, { ...base, rows, format: "png" });
    const before = renders();

    const output = await s.kind.run(run.ctx);

    expect(renders()).toBe(before + 3);
    const key = `tasks/${run.task.id}/cards.zip`;
    const zip = await storedZip(run.task.id);
    expect(output.files).toEqual([
      { name: "cards.zip", key, bytes: zip.byteLength, contentType: "application/zip" },
    ]);
    expect(output.count).toBe(3);
    expect(output.warnings).toHaveLength(1);
    expect(output.warnings[0]?.row).toBe(2);
    expect(output.warnings[0]?.warnings[0]).toMatchObject({
      code: "MISSING_GLYPHS",
      field: "quote",
      characters: ["\u{10FFFD}"],
    });

    const { files, manifest } = unzip(zip);
    expect(Object.keys(files).sort()).toEqual([
      "card-1.png",
      "card-2.png",
      "card-3.png",
      "manifest.json",
    ]);
    for (const name of ["card-1.png", "card-2.png", "card-3.png"]) {
      const bytes = files[name] ?? new Uint8Array();
      expect(formatOf(bytes)).toBe("png");
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", SIZE.width, SIZE.height]);
    }
    expect(manifest).toMatchObject({
      taskId: run.task.id,
      templateId: "quote",
      format: "png",
      count: 3,
    });
    expect(manifest.cards.map((c) => [c.row, c.file])).toEqual([
      [1, "card-1.png"],
      [2, "card-2.png"],
      [3, "card-3.png"],
    ]);
    expect(manifest.cards[1]?.warnings).toEqual(output.warnings[0]?.warnings);
    expect(manifest.cards[0]?.warnings).toEqual([]);
    for (const card of manifest.cards) {
      expect(card.bytes).toBe(files[card.file]?.byteLength);
    }

    // Every card is in the owner's history, made from its row.
    const ids = manifest.cards.map((c) => c.cardId);
    const t = schema.cards;
    const history = await s.cards.fixture.database.db
      .select({ id: t.id, fields: t.fields })
      .from(t)
      .where(and(eq(t.userId, s.cards.alice), inArray(t.id, ids)));
    expect(new Map(history.map((h) => [h.id, (h.fields as { quote: string }).quote]))).toEqual(
      new Map(ids.map((id, i) => [id, rows[i]?.quote])),
    );

    expectMonotonicTo100(run.progress);
    expect(run.progress.map((p) => p.message)).toEqual([
      "0 of 3 cards",
      "1 of 3 cards",
      "2 of 3 cards",
      "3 of 3 cards",
    ]);
    expect(run.progress.map((p) => p.percent)).toEqual([0, 33, 66, 100]);
  });

  it("reads CSV with a BOM, CRLF, quoted commas, quotes, line breaks and Chinese", async () => {
    const id = randomUUID();
    const csv =
      "\uFEFFquote,author,source\r\n" +
      `"Hello, world — ${id}",Ada,"The ""Notes"""\r\n` +
      `"Two lines\nof text ${id}",Grace,\r\n` +
      "\r\n" +
      `千里之行，始于足下 ${id},老子,《道德经》\r\n` +
      ",,\r\n";
    const job = CardsBatchInput.parse({ ...base, csv });
    expect(job.rows).toEqual([
      { quote: `Hello, world — ${id}`, author: "Ada", source: 'The "Notes"' },
      // The empty cell is left out: an optional field left blank.
      { quote: `Two lines\nof text ${id}`, author: "Grace" },
      { quote: `千里之行，始于足下 ${id}`, author: "老子", source: "《道德经》" },
    ]);

    const run = attempt(s.cards.alice, { ...base, csv, fileName: "{index}-{author}" });
    const output = await s.kind.run(run.ctx);
    expect(output.count).toBe(3);
    const { files, manifest } = unzip(await storedZip(run.task.id));
    // "老子" has no ASCII letters: the name keeps the row number.
    expect(manifest.cards.map((c) => c.file)).toEqual(["1-Ada.png", "2-Grace.png", "3.png"]);
    expect(Object.keys(files)).toHaveLength(4);
    const t = schema.cards;
    const [card] = await s.cards.fixture.database.db
      .select({ fields: t.fields })
      .from(t)
      .where(eq(t.id, manifest.cards[2]?.cardId ?? ""));
    expect(card?.fields).toMatchObject({ quote: `千里之行，始于足下 ${id}`, source: "《道德经》" });
    // No Chinese glyph is missing from the bundled fonts.
    expect(output.warnings).toEqual([]);
  });

  it("fails with VALIDATION naming the bad rows and their fields before rendering anything", async () => {
    const rows = quotes(5);
    rows[1] = { quote: "", author: "Ada" };
    rows[3] = { quote: "Fine", author: "x".repeat(81) };
    const run = attempt(s.cards.alice, { ...base, rows });
    const before = renders();

    const error = await rejection(s.kind.run(run.ctx));

    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe("VALIDATION");
    expect(domain.message).toMatch(/2 rows do not fit the "quote" template/);
    expect(domain.message).toMatch(/row 2, quote: Required; row 4, author: At most 80 characters$/);
    expect(domain.details?.invalidRows).toBe(2);
    const problems = domain.details?.rows as { row: number; fieldErrors: object }[];
    expect(problems.map((p) => p.row)).toEqual([2, 4]);
    expect(Object.keys(problems[0]?.fieldErrors ?? {})).toEqual(["quote"]);
    expect(Object.keys(problems[1]?.fieldErrors ?? {})).toEqual(["author"]);
    expect(renders()).toBe(before);
    expect(run.progress).toEqual([]);
    expect(await s.storage.has(cardsBatchZipKey(run.task.id))).toBe(false);
  });

  it("refuses a row naming someone else's upload before rendering anything", async () => {
    const { upload } = await createUpload(
      { ...s.cards.fixture.deps, limits: DEFAULT_UPLOAD_LIMITS },
      { userId: s.cards.bob, bytes: await photoBytes(320, 200) },
    );
    const rows: Record<string, string>[] = quotes(3);
    rows[2] = { quote: "With Bob's face", avatar: upload.ref };
    const before = renders();

    const error = (await rejection(
      s.kind.run(attempt(s.cards.alice, { ...base, rows }).ctx),
    )) as DomainError;

    expect(error.code).toBe("VALIDATION");
    expect(error.details?.rows).toEqual([
      expect.objectContaining({ row: 3, fieldErrors: { avatar: [expect.any(String)] } }),
    ]);
    expect(renders()).toBe(before);

    // Bob may use his own upload.
    const output = await s.kind.run(attempt(s.cards.bob, { ...base, rows: [rows[2]] }).ctx);
    expect(output.count).toBe(1);
  });

  it("refuses too many rows, too much data and malformed input when the task is created", () => {
    const problem = (input: unknown) => {
      const result = CardsBatchInput.safeParse(input);
      expect(result.success).toBe(false);
      return result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
    };
    const row = { quote: "q" };
    expect(
      CardsBatchInput.safeParse({ ...base, rows: Array(CARDS_BATCH_MAX_ROWS).fill(row) }).success,
    ).toBe(true);
    expect(problem({ ...base, rows: Array(CARDS_BATCH_MAX_ROWS + 1).fill(row) })).toMatch(/^rows:/);
    expect(problem({ ...base, rows: [] })).toMatch(/^rows:/);

    const header = "quote\n";
    expect(
      CardsBatchInput.safeParse({ ...base, csv: header + "q\n".repeat(CARDS_BATCH_MAX_ROWS) })
        .success,
    ).toBe(true);
    expect(problem({ ...base, csv: header + "q\n".repeat(CARDS_BATCH_MAX_ROWS + 1) })).toMatch(
      /^csv: The CSV has more than 500 rows/,
    );
    // 1 MiB counts bytes: fewer characters than that, but more bytes (3 per character).
    const big = header + `"${"千".repeat(CARDS_BATCH_MAX_DATA_BYTES / 3)}"\n`;
    expect(big.length).toBeLessThan(CARDS_BATCH_MAX_DATA_BYTES);
    expect(problem({ ...base, csv: big })).toMatch(/^csv: The CSV must be at most 1 MiB/);
    const bigRows = Array.from({ length: 20 }, () => ({ quote: "x".repeat(60_000) }));
    expect(problem({ ...base, rows: bigRows })).toMatch(/^rows: The rows must be at most 1 MiB/);

    expect(problem({ ...base })).toMatch(/either as `rows` or as `csv`/);
    expect(problem({ ...base, rows: [row], csv: header + "q\n" })).toMatch(/either as `rows`/);
    expect(problem({ ...base, templateId: "nope", rows: [row] })).toMatch(
      /^templateId: There is no template "nope"/,
    );
    expect(problem({ ...base, rows: [row], fields: {} })).toMatch(/fields/);
    expect(problem({ ...base, size: { preset: "story" }, scale: 3, rows: [row] })).toMatch(
      /^scale: At this size and scale/,
    );
    expect(problem({ ...base, csv: 'quote\n"never closed\n' })).toMatch(
      /^csv: A quoted value is never closed/,
    );
    expect(problem({ ...base, csv: "quote,author\na,b,c\n" })).toMatch(
      /^csv: Line 2 has a value in column 3, which the header does not name/,
    );
    expect(problem({ ...base, csv: "quote,quote\na,b\n" })).toMatch(/names "quote" twice/);
    expect(problem({ ...base, csv: "quote\n\n,\n" })).toMatch(/no rows under its header/);
  });

  it("stops between cards when its signal fires and rejects with the signal's reason", async () => {
    const rows = quotes(6);
    const reason = new DomainError("CONFLICT", "canceled by the test");
    const run = attempt(s.cards.alice, { ...base, rows }, (percent, controller) => {
      if (percent >= 33) controller.abort(reason);
    });
    const before = renders();

    await expect(s.kind.run(run.ctx)).rejects.toBe(reason);

    // Two of six cards were drawn (the signal fired after the second), and nothing was stored.
    expect(renders() - before).toBe(2);
    expect(run.progress.map((p) => p.percent)).toEqual([0, 16, 33]);
    expect(await s.storage.has(cardsBatchZipKey(run.task.id))).toBe(false);
  });

  it("names files from the pattern: safe ASCII, unique ignoring case, extension from the format", async () => {
    const id = randomUUID().slice(0, 8);
    const rows = [
      { quote: `a ${id}`, title: "Hello, World!" },
      { quote: `b ${id}`, title: "hello world" },
      { quote: `c ${id}`, title: "../../etc/passwd" },
      { quote: `d ${id}`, title: "Crème brûlée" },
      { quote: `e ${id}`, title: "标题" },
      { quote: `f ${id}`, title: "manifest" },
      { quote: `g ${id}`, title: "CON" },
      { quote: `h ${id}`, autor: "typo" },
    ];
    const run = attempt(s.cards.alice, { ...base, rows, format: "svg", fileName: "{title}" });
    const output = await s.kind.run(run.ctx);

    const { files, manifest } = unzip(await storedZip(run.task.id));
    expect(manifest.cards.map((c) => c.file)).toEqual([
      "Hello-World.svg",
      "hello-world-2.svg",
      "etc-passwd.svg",
      "Creme-brulee.svg",
      "card-5.svg",
      "manifest.svg",
      "card-CON.svg",
      "card-8.svg",
    ]);
    expect(output.count).toBe(8);
    // SVG is deflated in the zip and comes out whole.
    expect(Buffer.from(files["Hello-World.svg"] ?? []).toString()).toMatch(
      /^<svg[\s\S]*<\/svg>\s*$/,
    );
    // The misspelt column is reported in the task's log; `title`, used by the pattern, is not.
    expect(run.logs).toEqual([expect.objectContaining({ columns: ["autor"] })]);
  });

  it("pads the row number and keeps names unique and short", () => {
    const rows = Array.from({ length: 12 }, () => ({ title: "Same" }));
    const names = cardFileNames("{index}_{title}", rows, "png");
    expect(names[0]).toBe("01_Same.png");
    expect(names[11]).toBe("12_Same.png");
    expect(cardFileNames("{title}", rows.slice(0, 3), "jpg", ["same.jpg"])).toEqual([
      "Same-2.jpg",
      "Same-3.jpg",
      "Same-4.jpg",
    ]);
    expect(cardFileNames(undefined, [{}, {}], "webp")).toEqual(["card-1.webp", "card-2.webp"]);
    expect(safeStem("x".repeat(300))).toHaveLength(100);
    expect(safeStem(" .hidden..file. ")).toBe("hidden.file");
    expect(safeStem('a/b\\c:d*e?f"g<h>i|j')).toBe("a-b-c-d-e-f-g-h-i-j");
    expect(safeStem("lpt1.txt")).toBe("card-lpt1.txt");
  });

  it("refuses to grow a zip past its limit with PAYLOAD_TOO_LARGE", () => {
    const zip = new ZipBuilder({
      maxBytes: 1000,
      mtime: new Date("2030-01-01T00:00:00Z"),
      tooLarge: () => new DomainError("PAYLOAD_TOO_LARGE", "too large"),
    });
    zip.add("a.png", new Uint8Array(600), false);
    expect(() => zip.add("b.png", new Uint8Array(600), false)).toThrow(
      expect.objectContaining({ code: "PAYLOAD_TOO_LARGE" }),
    );
  });

  it("cleanup deletes the zip it stored; a second run answers from the card cache", async () => {
    const input = { ...base, rows: quotes(2) };
    const first = attempt(s.cards.alice, input);
    await s.kind.run(first.ctx);
    const key = cardsBatchZipKey(first.task.id);
    expect(await s.storage.has(key)).toBe(true);

    // A retry of the same rows draws nothing again.
    const before = renders();
    const again = attempt(s.cards.alice, input);
    await s.kind.run(again.ctx);
    expect(renders()).toBe(before);

    await s.kind.cleanup?.(first.task);
    expect(await s.storage.has(key)).toBe(false);
    expect(await s.storage.has(cardsBatchZipKey(again.task.id))).toBe(true);
    // Nothing to delete is not an error.
    await expect(s.kind.cleanup?.(taskFor(input))).resolves.toBeUndefined();
  });

  it("declares its limits and registers with the other kinds", () => {
    expect(s.kind).toMatchObject({
      name: "cards.batch",
      concurrency: 1,
      maxAttempts: 2,
      timeoutMs: 600_000,
      backoff: { baseMs: 2000, maxMs: 30_000 },
      cpuHeavy: true,
    });
    expect(taskKinds([s.kind]).get("cards.batch")).toBe(s.kind);
  });
});
