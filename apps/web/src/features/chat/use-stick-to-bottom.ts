import { useEffect, useRef } from "react";

/** How close to the end (px) still counts as reading the newest text. */
const NEAR_END = 96;

/**
 * Keeps the newest message in view while a reply grows, unless the reader has scrolled up. The
 * messages scroll inside `scrollRef` on wide screens and with the page on small ones; both are
 * handled. `contentRef` is what grows. With `enabled` false (no messages yet: what shows is read
 * from the top) it lets the view be, at its top.
 */
export function useStickToBottom(enabled = true) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const scroller = scrollRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    if (!enabled) {
      scroller.scrollTop = 0;
      return;
    }
    const scrollsInside = () => getComputedStyle(scroller).overflowY !== "visible";
    const top = () => (scrollsInside() ? scroller.scrollTop : window.scrollY);
    const distance = () =>
      scrollsInside()
        ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight
        : document.documentElement.scrollHeight - window.scrollY - window.innerHeight;
    let pinned = true;
    let lastTop = top();
    // Only moving up lets go of the end: a scroll event that lands after the content grew (our
    // own scroll to the end, say) must not read as the reader leaving it.
    const onScroll = () => {
      const now = top();
      if (now < lastTop - 1) pinned = distance() < NEAR_END;
      else if (distance() < NEAR_END) pinned = true;
      lastTop = now;
    };
    const toEnd = () => {
      if (!pinned) return;
      if (scrollsInside()) scroller.scrollTop = scroller.scrollHeight;
      else window.scrollTo({ top: document.documentElement.scrollHeight });
      lastTop = top();
    };
    const observer = new ResizeObserver(toEnd);
    observer.observe(content);
    scroller.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("scroll", onScroll, { passive: true });
    toEnd();
    return () => {
      observer.disconnect();
      scroller.removeEventListener("scroll", onScroll);
      window.removeEventListener("scroll", onScroll);
    };
  }, [enabled]);

  return { scrollRef, contentRef };
}
