import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";

import { cx } from "../../lib/cx";

/**
 * Markdown as the reader sees it (GitHub's flavour: tables, task lists, strikethrough). Raw HTML
 * in the source is shown as text, never run, and links open safely.
 */
export function MarkdownView({ source, className }: { source: string; className?: string }) {
  return (
    <div className={cx("markdown", className)} data-testid="markdown-view">
      <Markdown
        remarkPlugins={[remarkGfm]}
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
        }}
      >
        {source}
      </Markdown>
    </div>
  );
}
