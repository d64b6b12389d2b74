// A long history for the in-browser fake (`?history=N`): the UI tests of a
// long transcript and the benchmark's Chromium side open the same 10,000
// messages the benchmark seeds into the real app's store.
import type { Author, ConversationSnapshot, Message, MessageId, MessagePage } from "../bindings";

/** The engine's RECENT_MESSAGES: how many of the newest messages a snapshot carries. */
export const RECENT_MESSAGES = 100;

const HISTORY_BOT: Author = { kind: "bot", name: "Demo Assistant", demo: true };

/**
 * `count` old messages, the user and the bot taking turns, one minute apart
 * and ending an hour ago. Test data, not interface text.
 */
export function fakeHistory(count: number, newId: () => MessageId): Message[] {
  const end = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, n) => ({
    id: newId(),
    author: n % 2 === 0 ? { kind: "user" } : HISTORY_BOT,
    body: { kind: "text", text: `Earlier message ${n + 1} of ${count}: a line of an old conversation.` },
    sentAt: end - (count - n) * 60_000,
    delivery: n % 2 === 0 ? "sent" : "received",
  }));
}

/** The snapshot as the engine sends it to a window: the newest messages only. */
export function recentSnapshot(state: ConversationSnapshot): ConversationSnapshot {
  const start = Math.max(0, state.messages.length - RECENT_MESSAGES);
  return { ...state, messages: state.messages.slice(start), hasOlder: start > 0 };
}

/** Up to `limit` messages just before `before`; none when it is unknown. */
export function olderPage(messages: Message[], before: MessageId, limit: number): MessagePage {
  const end = Math.max(0, messages.findIndex((m) => m.id === before));
  const start = Math.max(0, end - limit);
  return { messages: structuredClone(messages.slice(start, end)), hasOlder: start > 0 };
}
