import { describe, expect, it } from "vitest";

import { en } from "./en";
import { zhCN } from "./zh-CN";

/** Every key path of a nested message object, e.g. "apiKeys.create.title". */
function keyPaths(messages: object, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]: [string, unknown]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === "object" && value !== null ? keyPaths(value, path) : [path];
  });
}

/** The {{placeholders}} a message interpolates. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? "").sort();
}

function valueAt(messages: object, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => {
    if (typeof node !== "object" || node === null) return undefined;
    return (node as Record<string, unknown>)[key];
  }, messages);
}

describe("locale files", () => {
  it("zh-CN has exactly the keys of en", () => {
    expect(keyPaths(zhCN).sort()).toEqual(keyPaths(en).sort());
  });

  it("every message is a non-empty string in both locales", () => {
    for (const messages of [en, zhCN]) {
      for (const path of keyPaths(messages)) {
        const value = valueAt(messages, path);
        expect(typeof value, path).toBe("string");
        expect(String(value).trim(), path).not.toBe("");
      }
    }
  });

  it("zh-CN interpolates the same placeholders as en", () => {
    for (const path of keyPaths(en)) {
      expect(placeholders(String(valueAt(zhCN, path))), path).toEqual(
        placeholders(String(valueAt(en, path))),
      );
    }
  });
});
