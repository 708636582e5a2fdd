import { beforeAll, describe, expect, it } from "vitest";

import { createTestI18n } from "../i18n/test-instance";

import { localizeFieldMessage } from "./field-message";

let i18n: Awaited<ReturnType<typeof createTestI18n>>;

beforeAll(async () => {
  i18n = await createTestI18n();
});

/** Every phrase the server's field errors use (packages/core/src/validation-messages.ts). */
const SERVER_PHRASES = [
  "Required",
  "At most 1 character",
  "At most 120 characters",
  "At least 3 characters",
  "At most 1 item",
  "At most 4 items",
  "At least 2 items",
  "At most 10485760 bytes",
  "At least 1 byte",
  "At most 4096",
  "At least 0.5",
  "Less than 100",
  "More than 0",
  'Must be one of: "png", "webp"',
  "Must be a multiple of 8",
  'Must be "quote"',
  "Expected a whole number",
  "Expected a number",
  "Expected a string",
  "Expected a boolean",
  "Expected a list",
  "Expected an object",
  "Not a valid email address",
  "Not a valid URL",
  "Not in the expected format",
  "Unknown field: colour",
  "Unknown fields: colour, size",
];

describe("localizeFieldMessage", () => {
  it("says every server phrase in English exactly as the server does", () => {
    for (const phrase of SERVER_PHRASES) {
      expect(localizeFieldMessage(phrase, i18n.getFixedT("en"))).toBe(phrase);
    }
  });

  it("says them in Chinese, with the numbers and values kept", () => {
    const zh = i18n.getFixedT("zh-CN");
    const said = SERVER_PHRASES.map((phrase) => localizeFieldMessage(phrase, zh));
    expect(said).toEqual([
      "必填",
      "最多 1 个字符",
      "最多 120 个字符",
      "至少 3 个字符",
      "最多 1 项",
      "最多 4 项",
      "至少 2 项",
      "最多 10485760 字节",
      "至少 1 字节",
      "不能大于 4096",
      "不能小于 0.5",
      "必须小于 100",
      "必须大于 0",
      '必须是以下之一："png", "webp"',
      "必须是 8 的倍数",
      '必须是 "quote"',
      "请填写整数",
      "请填写数字",
      "请填写文本",
      "应为是或否",
      "应为列表",
      "应为对象",
      "邮箱地址无效",
      "网址无效",
      "格式不正确",
      "未知字段：colour",
      "未知字段：colour, size",
    ]);
  });

  it("passes a schema's own wording through", () => {
    const zh = i18n.getFixedT("zh-CN");
    expect(localizeFieldMessage("Use at least 8 characters", zh)).toBe("Use at least 8 characters");
    expect(localizeFieldMessage("Send at most 4 images", zh)).toBe("Send at most 4 images");
  });
});
