import type { TFunction } from "i18next";

type Translate = (match: RegExpMatchArray, t: TFunction) => string;

const side = (word: string | undefined) => (word === "most" || word === "Less" ? "max" : "min");

/**
 * The server's field errors are a small set of English phrases ("Required", "At most 80
 * characters", "Must be one of: …"; see the API docs). Each is matched here and said in the page's
 * language; any other message (a schema's own wording) is shown as the server wrote it.
 */
const RULES: readonly (readonly [RegExp, Translate])[] = [
  [/^Required$/, (_, t) => t("errors.field.required")],
  [
    /^At (most|least) (\d+) characters?$/,
    ([, s, n], t) => t(`errors.field.${side(s)}Chars`, { count: Number(n) }),
  ],
  [
    /^At (most|least) (\d+) items?$/,
    ([, s, n], t) => t(`errors.field.${side(s)}Items`, { count: Number(n) }),
  ],
  [
    /^At (most|least) (\d+) bytes?$/,
    ([, s, n], t) => t(`errors.field.${side(s)}Bytes`, { count: Number(n) }),
  ],
  [/^At (most|least) (\S+)$/, ([, s, limit], t) => t(`errors.field.${side(s)}`, { limit })],
  [
    /^(Less|More) than (\S+)$/,
    ([, s, limit], t) => t(`errors.field.${side(s)}Exclusive`, { limit }),
  ],
  [/^Must be one of: (.+)$/, ([, values], t) => t("errors.field.oneOf", { values })],
  [/^Must be a multiple of (\S+)$/, ([, divisor], t) => t("errors.field.multipleOf", { divisor })],
  [/^Must be (.+)$/, ([, value], t) => t("errors.field.exactly", { value })],
  [/^Expected a whole number$/, (_, t) => t("errors.field.int")],
  [/^Expected a number$/, (_, t) => t("errors.field.number")],
  [/^Expected a string$/, (_, t) => t("errors.field.text")],
  [/^Expected a boolean$/, (_, t) => t("errors.field.boolean")],
  [/^Expected a list$/, (_, t) => t("errors.field.list")],
  [/^Expected an object$/, (_, t) => t("errors.field.object")],
  [/^Not a valid email address$/, (_, t) => t("errors.field.email")],
  [/^Not a valid URL$/, (_, t) => t("errors.field.url")],
  [/^Not in the expected format$/, (_, t) => t("errors.field.format")],
  [
    /^Unknown fields?: (.+)$/,
    ([, fields = ""], t) => t("errors.field.unknown", { fields, count: fields.split(", ").length }),
  ],
];

/** A field error from the server in the page's language (unknown wording passes through). */
export function localizeFieldMessage(message: string, t: TFunction): string {
  for (const [pattern, translate] of RULES) {
    const match = message.match(pattern);
    if (match) return translate(match, t);
  }
  return message;
}
