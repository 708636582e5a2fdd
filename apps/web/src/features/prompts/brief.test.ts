import { describe, expect, it } from "vitest";

import {
  briefInput,
  draftOf,
  EMPTY_BRIEF,
  incompleteExamples,
  promptVariables,
  unwrapFence,
} from "./brief";

describe("the brief the form sends", () => {
  it("is nothing at all while every field is empty or blank", () => {
    expect(briefInput(EMPTY_BRIEF)).toBeNull();
    expect(
      briefInput({
        ...EMPTY_BRIEF,
        role: "  ",
        constraints: [" "],
        examples: [{ input: "", output: "" }],
      }),
    ).toBeNull();
  });

  it("trims fields and leaves out empty rules and half-written examples", () => {
    const input = briefInput({
      ...EMPTY_BRIEF,
      role: " a travel agent ",
      constraints: ["Be brief", "", "  Cite prices "],
      examples: [
        { input: "Paris?", output: "Three days." },
        { input: "Rome?", output: " " },
      ],
    });
    expect(input).toEqual({
      role: "a travel agent",
      constraints: ["Be brief", "Cite prices"],
      examples: [{ input: "Paris?", output: "Three days." }],
    });
  });

  it("comes back into the form from a saved brief", () => {
    const saved = { goal: "Plan trips", constraints: ["No flights"] };
    expect(briefInput(draftOf(saved))).toEqual(saved);
    expect(draftOf(null)).toEqual(EMPTY_BRIEF);
  });

  it("counts the examples that only have one side", () => {
    expect(
      incompleteExamples({
        ...EMPTY_BRIEF,
        examples: [
          { input: "a", output: "" },
          { input: "", output: "" },
          { input: "b", output: "c" },
        ],
      }),
    ).toBe(1);
  });
});

describe("prompt text helpers", () => {
  it("lists each variable once, in order of first use, as the server does", () => {
    expect(
      promptVariables("Hi {{name}}, about {{ topic }} and {{name}}; not {{1x}} or {x}"),
    ).toEqual(["name", "topic"]);
  });

  it("takes a refined prompt out of a fence around all of it, and only then", () => {
    expect(unwrapFence("```markdown\nYou are helpful.\n\n## Rules\n- Be kind\n```")).toBe(
      "You are helpful.\n\n## Rules\n- Be kind",
    );
    const inner = "You are helpful.\n\n```js\ncode()\n```\nDone.";
    expect(unwrapFence(`  ${inner}\n`)).toBe(inner);
  });
});
