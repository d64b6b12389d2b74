import { useLayoutEffect, useRef } from "preact/hooks";
import type { Message, MessageId } from "../bindings";
import type { Localizer } from "../i18n";
import { MessageItem } from "./MessageItem";

/** How close to the end (in CSS px) still counts as "reading the newest". */
const NEAR_END_PX = 80;

/**
 * The conversation: the only part of the window that scrolls. It follows the
 * newest message unless the reader scrolled up to read older ones; their own
 * new message always brings them back. A newest message taller than the view
 * is shown from its start, so the reader sees who wrote it.
 */
export function Transcript({
  messages,
  t,
  onRetry,
}: {
  messages: Message[];
  t: Localizer;
  /** "Try again" on a message that could not be sent. */
  onRetry?: (id: MessageId) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const followRef = useRef(true);
  const lastCountRef = useRef(0);
  /** Where showNewest() scrolled to, until the reader scrolls themselves. */
  const ownScrollTopRef = useRef(Number.NaN);

  function showNewest(): void {
    const el = ref.current;
    if (!el) {
      return;
    }
    el.scrollTop = el.scrollHeight;
    const last = el.lastElementChild;
    if (last) {
      const paddingTop = parseFloat(getComputedStyle(el).paddingTop) || 0;
      const hidden = el.getBoundingClientRect().top + paddingTop / 2 - last.getBoundingClientRect().top;
      if (hidden > 0) {
        el.scrollTop -= hidden;
      }
    }
    ownScrollTopRef.current = el.scrollTop;
  }

  useLayoutEffect(() => {
    const added = messages.slice(lastCountRef.current);
    lastCountRef.current = messages.length;
    if (added.some((m) => m.author.kind === "user")) {
      followRef.current = true;
    }
    if (followRef.current) {
      showNewest();
    }
  }, [messages]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") {
      return undefined;
    }
    // A bigger text scale or a smaller window must not hide the newest message.
    const observer = new ResizeObserver(() => {
      if (followRef.current) {
        showNewest();
      }
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);

  function onScroll(): void {
    const el = ref.current;
    if (!el) {
      return;
    }
    // The scroll event of our own scrolling can arrive after the view shrank
    // (e.g. the leave-a-message form appeared); it says nothing about the
    // reader, who is still following.
    if (Math.abs(el.scrollTop - ownScrollTopRef.current) < 1) {
      return;
    }
    ownScrollTopRef.current = Number.NaN;
    // Still reading the newest message: at the end, or its start is in view.
    const nearEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END_PX;
    const last = el.lastElementChild;
    const view = el.getBoundingClientRect();
    const lastTop = last ? last.getBoundingClientRect().top : Number.NEGATIVE_INFINITY;
    followRef.current = nearEnd || (lastTop >= view.top - 1 && lastTop < view.bottom);
  }

  return (
    <div
      id="transcript"
      ref={ref}
      class="transcript"
      role="log"
      aria-label={t.format("transcript-label")}
      tabIndex={0}
      onScroll={onScroll}
    >
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} t={t} onRetry={onRetry} />
      ))}
    </div>
  );
}
