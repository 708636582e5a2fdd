import { describe, expect, it } from "vitest";

import {
  dataUrlBytes,
  fieldSpecsOf,
  fieldsFromValues,
  headlineOf,
  imageSrc,
  isImageValue,
  valuesFromFields,
} from "./schema-fields";

const UPLOAD_ID = "0b9c6a52-7a4e-4d7e-9a43-3f8f5d2b1c0e";

/** The JSON Schema the API publishes for the profile card (zod's toJSONSchema output). */
const profileSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 80 },
    handle: { type: "string", maxLength: 60 },
    bio: { type: "string", maxLength: 300 },
    avatar: { description: "A data: URL", type: "string", minLength: 1, maxLength: 12_000_000 },
    stats: {
      maxItems: 4,
      type: "array",
      items: {
        type: "object",
        properties: {
          value: { type: "string", minLength: 1, maxLength: 16 },
          label: { type: "string", minLength: 1, maxLength: 24 },
        },
        required: ["value", "label"],
        additionalProperties: false,
      },
    },
  },
  required: ["name", "stats"],
  additionalProperties: false,
};

describe("fieldSpecsOf", () => {
  it("maps a template's JSON Schema to controls, in schema order", () => {
    expect(fieldSpecsOf(profileSchema, ["avatar"])).toEqual([
      { kind: "text", name: "name", required: true, multiline: false, minLength: 1, maxLength: 80 },
      { kind: "text", name: "handle", required: false, multiline: false, maxLength: 60 },
      { kind: "text", name: "bio", required: false, multiline: true, maxLength: 300 },
      { kind: "image", name: "avatar", required: false },
      {
        kind: "list",
        name: "stats",
        required: true,
        maxItems: 4,
        items: [
          { kind: "text", name: "value", required: true, minLength: 1, maxLength: 16 },
          { kind: "text", name: "label", required: true, minLength: 1, maxLength: 24 },
        ],
      },
    ]);
  });

  it("reads numbers, switches, choices and nullable types; keeps unknown shapes as they are", () => {
    const specs = fieldSpecsOf(
      {
        type: "object",
        properties: {
          rating: { type: "integer", minimum: 1, maximum: 5 },
          ratio: { type: ["number", "null"] },
          dark: { type: "boolean" },
          align: { type: "string", enum: ["start", "center"] },
          points: {
            type: "array",
            items: { type: "object", properties: { x: { type: "number" } } },
          },
          nested: { type: "object", properties: { a: { type: "string" } } },
          tags: { type: "array", items: { type: "string" } },
        },
        required: ["rating"],
      },
      [],
    );
    expect(specs.map((spec) => [spec.name, spec.kind, spec.required])).toEqual([
      ["rating", "number", true],
      ["ratio", "number", false],
      ["dark", "boolean", false],
      ["align", "choice", false],
      ["points", "list", false],
      ["nested", "other", false],
      ["tags", "other", false],
    ]);
    expect(specs[0]).toMatchObject({ integer: true, minimum: 1, maximum: 5 });
    expect(specs[3]).toMatchObject({ options: ["start", "center"] });
    expect(specs[4]).toMatchObject({
      items: [{ kind: "number", name: "x", integer: false, required: false }],
    });
  });

  it("has no controls for a schema without properties", () => {
    expect(fieldSpecsOf({ type: "string" }, [])).toEqual([]);
  });
});

describe("values and fields", () => {
  const specs = fieldSpecsOf(profileSchema, ["avatar"]);

  it("loads a sample into controls and sends the same fields back", () => {
    const sample = {
      name: "Grace Hopper",
      handle: "@amazinggrace",
      stats: [
        { value: "1.2M", label: "Followers" },
        { value: "348", label: "Projects" },
      ],
    };
    const { values, missingImages } = valuesFromFields(specs, sample);
    expect(missingImages).toEqual([]);
    expect(values).toEqual({
      name: "Grace Hopper",
      handle: "@amazinggrace",
      bio: "",
      avatar: null,
      stats: [
        { value: "1.2M", label: "Followers" },
        { value: "348", label: "Projects" },
      ],
    });
    expect(fieldsFromValues(specs, values)).toEqual(sample);
  });

  it("sends empty required text (so the server names the field) but leaves empty optional text out", () => {
    const fields = fieldsFromValues(specs, {
      name: "",
      handle: "   ",
      bio: "",
      avatar: null,
      stats: [],
    });
    expect(fields).toEqual({ name: "", stats: [] });
  });

  it("sends a picked image as its upload reference and drops empty list rows", () => {
    const ref = `upload:${UPLOAD_ID}`;
    const fields = fieldsFromValues(specs, {
      name: "Ada",
      avatar: { ref, fileName: "ada.png", bytes: 8 },
      stats: [
        { value: "", label: "  " },
        { value: "3", label: "" },
      ],
    });
    expect(fields).toEqual({ name: "Ada", avatar: ref, stats: [{ value: "3", label: "" }] });
  });

  it("brings an uploaded image of a stored card back, shown from its upload's URL", () => {
    const ref = `upload:${UPLOAD_ID}`;
    const { values, missingImages } = valuesFromFields(specs, { name: "Ada", avatar: ref });
    expect(values.avatar).toEqual({ ref, fileName: null, bytes: null });
    expect(missingImages).toEqual([]);
    expect(isImageValue(values.avatar) ? imageSrc(values.avatar) : null).toBe(
      `/api/uploads/${UPLOAD_ID}`,
    );
    // A data URL is its own picture.
    const dataUrl = "data:image/png;base64,iVBORw0KGgo=";
    const inline = valuesFromFields(specs, { name: "Ada", avatar: dataUrl }).values.avatar;
    expect(inline).toEqual({ ref: dataUrl, fileName: null, bytes: 8 });
    expect(isImageValue(inline) ? imageSrc(inline) : null).toBe(dataUrl);
    // Not an upload id: nothing to show, and the field is listed as missing.
    const odd = valuesFromFields(specs, { name: "Ada", avatar: "upload:../../x" });
    expect([odd.values.avatar, odd.missingImages]).toEqual([null, ["avatar"]]);
  });

  it("lists image fields a stored card only has a digest of", () => {
    const { values, missingImages } = valuesFromFields(specs, {
      name: "Ada",
      avatar: `sha256:${"a".repeat(64)}`,
      stats: [],
    });
    expect(values.avatar).toBeNull();
    expect(missingImages).toEqual(["avatar"]);
  });

  it("turns typed numbers into numbers and leaves unreadable ones out", () => {
    const numberSpecs = fieldSpecsOf(
      {
        type: "object",
        properties: {
          rating: { type: "integer" },
          weight: { type: "number" },
          points: {
            type: "array",
            items: {
              type: "object",
              properties: { x: { type: "number" }, name: { type: "string" } },
            },
          },
        },
      },
      [],
    );
    expect(
      fieldsFromValues(numberSpecs, {
        rating: "4",
        weight: "abc",
        points: [
          { x: "1.5", name: "a" },
          { x: "", name: "b" },
        ],
      }),
    ).toEqual({ rating: 4, points: [{ x: 1.5, name: "a" }, { name: "b" }] });
  });

  it("keeps values of shapes it cannot edit exactly as they came", () => {
    const otherSpecs = fieldSpecsOf(
      { type: "object", properties: { tags: { type: "array", items: { type: "string" } } } },
      [],
    );
    const { values } = valuesFromFields(otherSpecs, { tags: ["a", "b"] });
    expect(fieldsFromValues(otherSpecs, values)).toEqual({ tags: ["a", "b"] });
  });

  it("names the first filled required text as the card's headline", () => {
    expect(headlineOf(specs, { name: "  Grace  " })).toBe("Grace");
    expect(headlineOf(specs, { name: "", handle: "@x" })).toBe("");
  });

  it("measures the bytes a data URL holds", () => {
    expect(dataUrlBytes("data:image/png;base64,AAAA")).toBe(3);
    expect(dataUrlBytes("data:image/png;base64,AAA=")).toBe(2);
    expect(dataUrlBytes("data:image/png;base64,AA==")).toBe(1);
  });
});
