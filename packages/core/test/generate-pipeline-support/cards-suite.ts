import { readdir } from "node:fs/promises";

import { schema } from "@genflow/db";
import { afterAll, beforeAll, expect } from "vitest";

import { DomainError } from "../../src/errors";
import type { CardRenderer } from "../../src/generate/ports";
import { createCardRenderer } from "../../src/generate/render/pool";
import { sourceRenderWorker } from "../../src/generate/render/worker-script";
import type { CreateCardInput } from "../../src/generate/schemas";
import { CountingRenderer, createUser, pipelineFixture, type PipelineFixture } from "./fixtures";

/**
 * A card test suite's world: the real render worker (one thread, started from sources) behind a
 * call-counting renderer, a fresh PGlite database, a blob folder and two users.
 */
export interface CardsSuite {
  renderer: CountingRenderer;
  fixture: PipelineFixture;
  alice: string;
  bob: string;
  /** Names of the files in blob storage. */
  blobFiles(): Promise<string[]>;
  rowCount(): Promise<number>;
}

/** Registers the hooks that build and tear down the suite; read its fields inside tests only. */
export function useCardsSuite(): CardsSuite {
  let pool: CardRenderer | undefined;
  const suite = {} as CardsSuite;
  beforeAll(async () => {
    pool = createCardRenderer({ worker: sourceRenderWorker(), threads: 1 });
    suite.renderer = new CountingRenderer(pool);
    suite.fixture = await pipelineFixture(suite.renderer);
    suite.alice = await createUser(suite.fixture.database.db, "Alice");
    suite.bob = await createUser(suite.fixture.database.db, "Bob");
    suite.blobFiles = async () => {
      const entries = await readdir(suite.fixture.blobDir, {
        recursive: true,
        withFileTypes: true,
      });
      return entries.filter((e) => e.isFile()).map((e) => e.name);
    };
    suite.rowCount = () => suite.fixture.database.db.$count(schema.cards);
  });
  afterAll(async () => {
    await pool?.close();
    await suite.fixture.destroy();
  });
  return suite;
}

/** A quote card request. */
export const quote = (text: string, extra: Partial<CreateCardInput> = {}): CreateCardInput => ({
  templateId: "quote",
  fields: { quote: text, author: "Ada" },
  theme: { preset: "dark" },
  ...extra,
});

/** The DomainError `promise` rejects with. */
export async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}
