import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";

/** Blocks that end a line of the plain text. */
const BLOCKS = new Set([
  "paragraph",
  "heading",
  "code",
  "blockquote",
  "listItem",
  "tableCell",
  "tableRow",
  "thematicBreak",
  "html",
]);

/**
 * Markdown as the text a reader reads: markup gone, link and image text kept (an image by its
 * alt text), code kept, one line per block. What search indexes and snippets are cut from.
 */
export function markdownToText(markdown: string): string {
  const parts: string[] = [];
  const walk = (node: Nodes) => {
    switch (node.type) {
      case "text":
      case "inlineCode":
      case "code":
        parts.push(node.value);
        break;
      case "image":
        if (node.alt) parts.push(node.alt);
        break;
      case "break":
        parts.push("\n");
        break;
      case "html":
        // Raw HTML shows as its text, without the tags.
        parts.push(node.value.replace(/<[^>]*>/g, " "));
        break;
      default:
        if ("children" in node) for (const child of node.children) walk(child);
    }
    if (BLOCKS.has(node.type)) parts.push("\n");
  };
  walk(fromMarkdown(markdown));
  return parts
    .join("")
    .replace(/[ \t]+/g, " ")
    .replace(/ ?\n[\s]*/g, "\n")
    .trim();
}

/** The first `maxChars` of the text on a word boundary, with an ellipsis when cut. */
export function clip(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  const space = cut.lastIndexOf(" ");
  return `${(space > maxChars * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
