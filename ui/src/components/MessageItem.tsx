import type { Author, DeliveryState, LocalizedText, Message } from "../bindings";
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

export function MessageItem({ message, t }: { message: Message; t: Localizer }) {
  const { author, body, delivery } = message;
  const text = body.kind === "text" ? body.text : noticeText(body.notice, t);
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
      <p class="message__text">{text}</p>
      {author.kind === "user" && (
        <p class={`message__delivery message__delivery--${delivery}`}>{t.format(deliveryMessageId(delivery))}</p>
      )}
    </div>
  );
}
