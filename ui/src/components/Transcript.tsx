import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message, MessageId } from "../bindings";
import type { Localizer } from "../i18n";
import { MessageItem } from "./MessageItem";

/** How close to the end (in CSS px) still counts as "reading the newest". */
const NEAR_END_PX = 80;
/** How many of the newest messages are drawn when the window opens. */
const FIRST_DRAWN = 60;
/** How many older ones are drawn each time the reader nears the top. */
const MORE_DRAWN = 60;
/** How close to the top (in CSS px) draws older messages. */
const NEAR_TOP_PX = 600;

/** Where the message `id` is in `messages`, searching from the end; -1 if absent. */
function lastIndexOf(messages: Message[], id: MessageId | null): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]?.id === id) {
      return i;
    }
  }
  return -1;
}

/**
 * The conversation: the only part of the window that scrolls. It follows the
 * newest message unless the reader scrolled up to read older ones; their own
 * new message always brings them back. A newest message taller than the view
 * is shown from its start, so the reader sees who wrote it.
 *
 * A long history is drawn from its end: the newest FIRST_DRAWN messages, then
 * MORE_DRAWN older ones each time the reader scrolls near the top, keeping
 * what they read in place; once every message the window has is drawn,
 * `onNeedOlder` fetches older ones (`hasOlder`). New messages are added at
 * the end of the same `role="log"` element, so they are announced as before.
 */
export function Transcript({
  messages,
  hasOlder = false,
  t,
  onRetry,
  onReadAgain,
  onNeedOlder,
}: {
  messages: Message[];
  /** Older messages than `messages[0]` exist and can be fetched. */
  hasOlder?: boolean;
  t: Localizer;
  /** "Try again" on a message that could not be sent. */
  onRetry?: (id: MessageId) => void;
  /** "Read aloud again" on a reply of the bot or a person. */
  onReadAgain?: (id: MessageId) => void;
  /** The reader reached the oldest message the window has. */
  onNeedOlder?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const followRef = useRef(true);
  /** The newest message already seen, to tell what was added at the end. */
  const lastIdRef = useRef<MessageId | null>(null);
  /** Where showNewest() scrolled to, until the reader scrolls themselves. */
  const ownScrollTopRef = useRef(Number.NaN);
  /** The oldest message drawn; null until there is one. */
  const [firstDrawn, setFirstDrawn] = useState<MessageId | null>(null);
  /** While older messages are drawn above: the new first one, and the distance from the end to keep. */
  const anchorRef = useRef<{ first: MessageId; fromEnd: number } | null>(null);
  const found = firstDrawn === null ? -1 : lastIndexOf(messages, firstDrawn);
  const start = found >= 0 ? found : Math.max(0, messages.length - FIRST_DRAWN);
  const drawn = start === 0 ? messages : messages.slice(start);

  /** Draws older messages above, or asks for them when all are drawn. */
  function drawOlder(): void {
    const el = ref.current;
    if (!el) {
      return;
    }
    const first = messages[Math.max(0, start - MORE_DRAWN)];
    if (start > 0 && first) {
      anchorRef.current = { first: first.id, fromEnd: el.scrollHeight - el.scrollTop };
      setFirstDrawn(first.id);
    } else if (hasOlder) {
      onNeedOlder?.();
    }
  }

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
    const added = messages.slice(lastIndexOf(messages, lastIdRef.current) + 1);
    lastIdRef.current = messages[messages.length - 1]?.id ?? null;
    const first = messages[start]?.id ?? null;
    if (first !== firstDrawn && found < 0) {
      // The first messages, or a fresh snapshot: keep this start as messages arrive.
      setFirstDrawn(first);
    }
    if (added.some((m) => m.author.kind === "user")) {
      followRef.current = true;
    }
    if (followRef.current) {
      showNewest();
    } else if (added.length === 0 && start > 0 && (ref.current?.scrollTop ?? Infinity) < NEAR_TOP_PX) {
      // Older messages arrived while the reader waits at the top.
      drawOlder();
    }
  }, [messages]);

  useLayoutEffect(() => {
    const el = ref.current;
    const anchor = anchorRef.current;
    if (!el || anchor?.first !== firstDrawn) {
      return;
    }
    // Older messages were drawn above: what the reader was reading stays put.
    el.scrollTop = el.scrollHeight - anchor.fromEnd;
    anchorRef.current = null;
    ownScrollTopRef.current = el.scrollTop;
  }, [firstDrawn]);

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
    if (el.scrollTop < NEAR_TOP_PX) {
      drawOlder();
    }
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
      {drawn.map((message) => (
        <MessageItem key={message.id} message={message} t={t} onRetry={onRetry} onReadAgain={onReadAgain} />
      ))}
    </div>
  );
}
