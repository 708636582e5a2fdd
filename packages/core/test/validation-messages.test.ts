import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { configureValidationMessages, isDomainError } from "../src";
import { getTemplate } from "../src/generate";
import { parseInput } from "../src/validation";

const Form = z.object({
  title: z.string().min(1).max(5),
  nickname: z.string().min(3).optional(),
  size: z.number().int().min(200).max(4096),
  tags: z.array(z.string()).max(2),
  format: z.enum(["png", "webp"]),
  email: z.email().optional(),
  code: z.string().min(3, "Use at least 3 characters").optional(),
});

function fieldErrors(input: unknown): Record<string, string[] | undefined> {
  try {
    parseInput(Form, input, "The form is not valid");
  } catch (error) {
    if (!isDomainError(error)) throw error;
    expect(error.code).toBe("VALIDATION");
    return (error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;
  }
  throw new Error("the input was accepted");
}

describe("validation messages", () => {
  const valid = { title: "Hi", size: 1200, tags: [], format: "png" };

  it("says a missing or empty required field is required", () => {
    expect(fieldErrors({ ...valid, title: undefined }).title).toEqual(["Required"]);
    expect(fieldErrors({ ...valid, title: "" }).title).toEqual(["Required"]);
  });

  it("names limits in the unit of the value", () => {
    const errors = fieldErrors({
      title: "Too long a title",
      nickname: "Al",
      size: 100,
      tags: ["a", "b", "c"],
      format: "gif",
      email: "not an address",
    });
    expect(errors).toEqual({
      title: ["At most 5 characters"],
      nickname: ["At least 3 characters"],
      size: ["At least 200"],
      tags: ["At most 2 items"],
      format: ['Must be one of: "png", "webp"'],
      email: ["Not a valid email address"],
    });
    expect(fieldErrors({ ...valid, size: 4097.5 }).size).toEqual(["Expected a whole number"]);
    expect(fieldErrors({ ...valid, size: "1200" }).size).toEqual(["Expected a number"]);
    expect(fieldErrors({ ...valid, tags: "a" }).tags).toEqual(["Expected a list"]);
  });

  it("says what a missing input as a whole should have been", () => {
    let caught: unknown;
    try {
      parseInput(Form, undefined, "The form is not valid");
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught) && caught.details).toMatchObject({
      formErrors: ["Expected an object"],
    });
  });

  it("leaves a schema's own message alone", () => {
    expect(fieldErrors({ ...valid, code: "ab" }).code).toEqual(["Use at least 3 characters"]);
  });

  it("reads a card template's field errors the same way", () => {
    const quote = getTemplate("quote");
    if (!quote) throw new Error("the quote template is missing");
    let caught: unknown;
    try {
      quote.parseFields({ author: "Ada" });
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught) && caught.details).toMatchObject({
      fieldErrors: { quote: ["Required"] },
    });
  });

  describe("configured for the whole process", () => {
    afterAll(() => z.config({ customError: undefined }));

    it("applies to every parse, not only the use cases'", () => {
      const schema = z.object({ name: z.string().max(3) });
      expect(schema.safeParse({}).error?.issues[0]?.message).toMatch(/expected string/);
      configureValidationMessages();
      expect(schema.safeParse({}).error?.issues[0]?.message).toBe("Required");
      expect(schema.safeParse({ name: "Grace" }).error?.issues[0]?.message).toBe(
        "At most 3 characters",
      );
    });
  });
});
