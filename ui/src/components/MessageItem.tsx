import type { Author, DeliveryState, LocalizedText, Message, MessageId } from "../bindings";
import type { Localizer } from "../i18n";

export function authorLabel(author: Author, t: Localizer): string {
  switch (author.kind) {
    case "user":
      return t.format("author-you");
    case "bot":
      return t.format(author.demo ? "author-bot-demo" : "author-bot", { name: author.name });
    case "agent":
      return t.format(author.demo ? "author-agent-demo" : "author-agent", { name: author.name });
    case "system":
      return t.format("author-system");
  }
}

/** Words for the delivery state of the user's own message. */
export function deliveryMessageId(delivery: DeliveryState): string {
  switch (delivery) {
    case "sending":
      return "delivery-sending";
    case "willRetry":
      return "delivery-will-retry";
    case "failed":
      return "delivery-failed";
    case "sent":
    case "received":
      return "delivery-sent";
  }
}

/**
 * A note from Warmline in the user's language. A call-back request without a
 * preferred time comes with an empty `time`; it reads better without the
 * empty brackets.
 */
export function noticeText(notice: LocalizedText, t: Localizer): string {
  const { messageId, args } = notice;
  if (messageId === "notice-callback-requested" && String(args.time ?? "").trim() === "") {
    return t.format("notice-callback-requested-any-time", args);
  }
  return t.format(messageId, args);
}

/**
 * A message. Under the user's own message that could not be sent: why, in
 * words, and a big "Try again" button (`onRetry`) that sends it again with
 * the same id. Under a reply of the bot or a person: a big "Read aloud
 * again" button (`onReadAgain`).
 */
export function MessageItem({
  message,
  t,
  onRetry,
  onReadAgain,
}: {
  message: Message;
  t: Localizer;
  onRetry?: (id: MessageId) => void;
  onReadAgain?: (id: MessageId) => void;
}) {
  const { author, body, delivery, failure } = message;
  const text = body.kind === "text" ? body.text : noticeText(body.notice, t);
  const failed = author.kind === "user" && delivery === "failed";
  const reply = body.kind === "text" && (author.kind === "bot" || author.kind === "agent") && text.trim() !== "";
  return (
    <div
      class={`message message--${author.kind}${body.kind === "notice" ? " message--notice" : ""}`}
      data-author-kind={author.kind}
      data-delivery={delivery}
      data-message-id={message.id}
    >
      <p class="message__meta">
        <span class="message__author">{authorLabel(author, t)}</span>{" "}
        <time class="message__time" dateTime={new Date(message.sentAt).toISOString()}>
          {t.time(message.sentAt)}
        </time>
      </p>
      <p class="message__text" id={`message-text-${message.id}`}>
        {text}
      </p>
      {author.kind === "user" && (
        <p class={`message__delivery message__delivery--${delivery}`}>{t.format(deliveryMessageId(delivery))}</p>
      )}
      {failed && failure && (
        <p class="message__failure" id={`message-failure-${message.id}`}>
          {t.format(failure.messageId, failure.args)}
        </p>
      )}
      {failed && onRetry && (
        <button
          type="button"
          class="button button--retry"
          data-retry-for={message.id}
          aria-describedby={`message-text-${message.id}${failure ? ` message-failure-${message.id}` : ""}`}
          onClick={() => {
            onRetry(message.id);
          }}
        >
          {t.format("message-try-again")}
        </button>
      )}
      {reply && onReadAgain && (
        <button
          type="button"
          class="button button--read-again"
          data-read-for={message.id}
          aria-describedby={`message-text-${message.id}`}
          onClick={() => {
            onReadAgain(message.id);
          }}
        >
          {t.format("speech-read-again")}
        </button>
      )}
    </div>
  );
}
