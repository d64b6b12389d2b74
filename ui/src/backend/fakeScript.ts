// What the fake backend's demo bot and agent say, and the queue it walks
// through. The words are test data, not user interface text, so they are
// literal English here. The fake itself is in fake.ts.
import type { Author, HandoffState } from "../bindings";
import intentDecisions from "../../../src-tauri/crates/warmline-core/data/ui-fake-intent.json";

export const BOT_NAME = "Sunny";
export const BOT: Author = { kind: "bot", name: BOT_NAME, demo: true };
export const AGENT_NAME = "Mei";

export const WELCOME =
  'Hello, I am Sunny, the demo assistant. Ask me about a bill, a delivery, a refund, a password or opening hours. If you would rather talk to a person, press "Talk to a person" at any time.';

const FAQ: readonly { pattern: RegExp; reply: string }[] = [
  {
    pattern: /\b(hello|hi|hey|good (morning|afternoon|evening))\b|你好|您好/i,
    reply:
      "Hello! How can I help you today? You can ask me about your bill, a delivery, a refund or your password.",
  },
  {
    pattern: /\bthank|谢谢|謝謝/i,
    reply: "You are welcome. Is there anything else I can help with?",
  },
  {
    pattern: /\b(bill|balance|invoice)/i,
    reply: "Your latest bill is 42.50 dollars, due on the 15th of the month. This is demo data.",
  },
  {
    pattern: /\b(deliver|parcel|package)/i,
    reply: "Your parcel left our warehouse yesterday and should arrive within two working days. This is demo data.",
  },
  {
    pattern: /\brefund/i,
    reply: "Refunds are paid back to the card you used, within 5 to 7 working days after we receive the item.",
  },
  {
    pattern: /\bpassword/i,
    reply:
      'To reset your password, choose "Forgot password" on the sign-in page. Never tell anyone the code we send you.',
  },
  {
    pattern: /\b(hours|open)\b/i,
    reply: "We are open Monday to Friday from 8 in the morning to 8 in the evening.",
  },
];
/**
 * What the engine's phrase matcher decides for the sentences the UI tests
 * and the demo type: the notes a request for a person adds, in order (none
 * for a sentence that asks for nothing). The matcher itself wrote this
 * table (warmline-core/data/ui-fake-intent.json; a Rust test keeps it
 * current), so the fake never carries a copy of the rules. A sentence not in
 * the table asks for nothing here.
 */
const INTENT_NOTICES: Readonly<Record<string, readonly string[]>> = intentDecisions;

export function noticesForWords(text: string): readonly string[] {
  return INTENT_NOTICES[text.trim()] ?? [];
}

export const NOT_UNDERSTOOD =
  'I am sorry, I did not understand that. I can answer questions about bills, deliveries, refunds, passwords and opening hours. You can also press "Talk to a person".';
export const AGENT_GREETING = `Hello, this is ${AGENT_NAME}. I can see our conversation so far, so you do not need to repeat anything. How can I help?`;
export const AGENT_REPLY =
  "Thank you, I have noted that. This is a demonstration, so I cannot look at a real account, but a real agent would take care of it now.";

/** The queue the fake walks through after requestPerson(). */
export const QUEUE: readonly HandoffState[] = [
  { state: "requested" },
  { state: "queued", position: 3, estimatedWaitSecs: 180 },
  { state: "queued", position: 2, estimatedWaitSecs: 120 },
  { state: "queued", position: 1, estimatedWaitSecs: 45 },
  { state: "connected", agentName: AGENT_NAME, demo: true },
];

export function botReply(text: string): { text: string; understood: boolean } {
  const reply = FAQ.find((entry) => entry.pattern.test(text))?.reply;
  return reply === undefined ? { text: NOT_UNDERSTOOD, understood: false } : { text: reply, understood: true };
}
