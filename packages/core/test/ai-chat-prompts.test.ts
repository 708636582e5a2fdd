import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  composeSystemPrompt,
  deletePrompt,
  getPrompt,
  listPrompts,
  promptVariables,
  refinePrompt,
  renderPrompt,
  savePrompt,
  streamReply,
  type AiChatDeps,
} from "../src/ai-chat";
import { DomainError } from "../src/errors";
import { failure, startChatHarness, type ChatHarness } from "./ai-chat-support";
import { createUser } from "./generate-pipeline-support/fixtures";

/** The system prompt generator and the prompt library on a real database. */

let harness: ChatHarness;
let server: ChatHarness["server"];
let deps: AiChatDeps;
let alice: string;
let bob: string;

beforeAll(async () => {
  harness = await startChatHarness({ workerId: "prompts" });
  ({ server, deps } = harness);
  alice = await createUser(harness.database.db, "Alice");
  bob = await createUser(harness.database.db, "Bob");
});

afterAll(async () => {
  await harness.close();
});

describe("the system prompt generator", () => {
  it("composes the sections it is given, in a fixed order, and nothing else", () => {
    const text = composeSystemPrompt({
      role: "a support agent for {{product}}",
      goal: "Resolve billing questions in one reply.",
      audience: "small-business owners",
      constraints: ["Never promise refunds", "Link to the help centre"],
      tone: "warm, concise",
      outputFormat: "Short paragraphs, then a bulleted next step.",
      examples: [{ input: "Why was I charged twice?", output: "Sorry about that…" }],
    });
    expect(text).toBe(
      [
        "You are a support agent for {{product}}.",
        "## Goal\nResolve billing questions in one reply.",
        "## Audience\nYou are talking to small-business owners. Adjust vocabulary, depth and examples to them.",
        "## Rules\n- Never promise refunds\n- Link to the help centre",
        "## Tone\nWrite in a warm, concise tone.",
        "## Output format\nShort paragraphs, then a bulleted next step.",
        "## Examples\n### Example 1\nInput:\nWhy was I charged twice?\n\nOutput:\nSorry about that…",
      ].join("\n\n"),
    );
    expect(composeSystemPrompt({ goal: "Summarise." })).toBe(
      "You are a helpful assistant.\n\n## Goal\nSummarise.",
    );
    expect(() => composeSystemPrompt({ tone: "" })).toThrow(DomainError);
    expect(promptVariables("Hi {{ name }}, about {{product}} and {{name}}")).toEqual([
      "name",
      "product",
    ]);
  });

  it("has the model refine a prompt as a streaming reply", async () => {
    const started = await refinePrompt(deps, {
      userId: alice,
      input: { content: "Be nice to {{audience}}." },
    });
    let text = "";
    for await (const event of streamReply(deps, { userId: alice, messageId: started.reply.id })) {
      if (event.type === "text") text += event.text;
    }
    expect(text).toBe("You said: Improve this system prompt:\n\nBe nice to {{audience}}.");
    const request = server.requests.find((r) => r.messages[0]?.content.includes("prompt engineer"));
    expect(request?.messages[0]?.role).toBe("system");
    expect(request?.messages[0]?.content).toContain("prompt engineer");
  });
});

describe("the prompt library", () => {
  it("keeps versions, fills variables and belongs to its owner", async () => {
    const first = await savePrompt(deps, {
      userId: alice,
      input: {
        name: "Support",
        content: "Help {{audience}} with {{product}}.",
        brief: { role: "support" },
      },
    });
    expect(first).toMatchObject({ latestVersion: 1, variables: ["audience", "product"] });
    const same = await savePrompt(deps, {
      userId: alice,
      input: {
        id: first.id,
        name: "Support agent",
        content: "Help {{audience}} with {{product}}.",
      },
    });
    expect(same).toMatchObject({ latestVersion: 1, name: "Support agent" });
    const second = await savePrompt(deps, {
      userId: alice,
      input: { id: first.id, name: "Support agent", content: "Help {{audience}} kindly." },
    });
    expect(second).toMatchObject({
      latestVersion: 2,
      variables: ["audience"],
      brief: { role: "support" },
    });

    const full = await getPrompt(deps, { userId: alice, input: { id: first.id } });
    expect(full.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(
      (await listPrompts(deps, { userId: alice, input: { search: "agent" } })).map((p) => p.id),
    ).toEqual([first.id]);

    expect(
      await renderPrompt(deps, {
        userId: alice,
        input: { id: first.id, values: { audience: "teachers" } },
      }),
    ).toEqual({ text: "Help teachers kindly.", version: 2 });
    const old = await renderPrompt(deps, {
      userId: alice,
      input: { id: first.id, version: 1, values: { audience: "nurses", product: "GenFlow" } },
    });
    expect(old.text).toBe("Help nurses with GenFlow.");
    const missing = await failure(
      renderPrompt(deps, {
        userId: alice,
        input: { id: first.id, version: 1, values: { audience: "x" } },
      }),
    );
    expect(missing).toMatchObject({ code: "VALIDATION", details: { missing: ["product"] } });

    expect((await failure(getPrompt(deps, { userId: bob, input: { id: first.id } }))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (
        await failure(
          savePrompt(deps, { userId: bob, input: { id: first.id, name: "x", content: "y" } }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    await deletePrompt(deps, { userId: alice, input: { id: first.id } });
    expect(await listPrompts(deps, { userId: alice, input: {} })).toEqual([]);
  });
});
