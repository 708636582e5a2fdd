import { describe, expect, it } from "vitest";

import { getTemplate, listTemplates } from "../src/generate/engine";
import { isDomainError } from "../src/errors";

describe("templates", () => {
  it("lists at least the quote, article cover, announcement and profile templates", () => {
    const ids = listTemplates().map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(["quote", "article-cover", "announcement", "profile-stats"]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const summary of listTemplates()) {
    describe(summary.id, () => {
      const template = getTemplate(summary.id);

      it("describes itself with a kebab-case id, a version, a JSON Schema and every theme", () => {
        expect(summary.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
        expect(Number.isInteger(summary.version) && summary.version >= 1).toBe(true);
        expect(summary.name.length).toBeGreaterThan(0);
        expect(summary.jsonSchema.type).toBe("object");
        expect(Object.keys(summary.jsonSchema.properties as object)).toEqual(
          expect.arrayContaining([...summary.imageFields]),
        );
        expect(summary.themes).toEqual(["light", "dark", "brand", "gradient"]);
      });

      it("accepts its samples; the Chinese one has CJK text and an emoji", () => {
        expect(() => template?.parseFields({ ...summary.sample })).not.toThrow();
        expect(() => template?.parseFields({ ...summary.sampleZh })).not.toThrow();
        const zh = JSON.stringify(summary.sampleZh);
        expect(zh).toMatch(/\p{Script=Han}/u);
        expect(zh).toMatch(/\p{Extended_Pictographic}/u);
      });

      it("limits text lengths and lists image fields as strings", () => {
        const props = summary.jsonSchema.properties as Record<
          string,
          { type?: string; maxLength?: number }
        >;
        for (const [name, prop] of Object.entries(props)) {
          if (prop.type !== "string") continue;
          expect(prop.maxLength, name).toBeDefined();
          if (!summary.imageFields.includes(name))
            expect(prop.maxLength, name).toBeLessThanOrEqual(1000);
        }
        for (const field of summary.imageFields) expect(props[field]?.type).toBe("string");
      });

      it("rejects field values over their limits with a VALIDATION error", () => {
        const props = summary.jsonSchema.properties as Record<
          string,
          { type?: string; maxLength?: number }
        >;
        const [name, prop] =
          Object.entries(props).find(
            ([n, p]) => p.type === "string" && !summary.imageFields.includes(n),
          ) ?? [];
        expect(name).toBeDefined();
        try {
          template?.parseFields({
            ...summary.sample,
            [name ?? ""]: "x".repeat((prop?.maxLength ?? 0) + 1),
          });
          expect.unreachable();
        } catch (error) {
          expect(isDomainError(error) && error.code).toBe("VALIDATION");
          expect(isDomainError(error) && error.details?.fieldErrors).toHaveProperty(name ?? "");
        }
      });
    });
  }

  it("fills in defaults for fields the request leaves out", () => {
    const announcement = getTemplate("announcement");
    expect(announcement?.parseFields({ headline: "Hi" })).toMatchObject({
      eyebrow: "Announcement",
    });
    expect(getTemplate("profile-stats")?.parseFields({ name: "Ada" })).toMatchObject({ stats: [] });
  });

  it("returns undefined for an unknown template", () => {
    expect(getTemplate("no-such-template")).toBeUndefined();
  });
});
