// When the bot did not help, for the fake backend: the same rules as the
// engine (warmline-core/src/engine/frustration.rs). The numbers come from
// warmline-core/data/frustration-rules.json, which both read, and
// ui/tests/frustration.test.mjs runs this module against the cases in
// warmline-core/data/frustration-cases.json that the engine's Rust test runs
// too, so the two cannot drift apart unnoticed.
//
// No imports: the UI test transpiles this file on its own.

/** The rules as data (frustration-rules.json). */
export interface FrustrationRules {
  /** Bot answers in a row that did not help before Warmline offers a person. */
  missesBeforeOffer: number;
  /** The user asking the same question again offers a person at once. */
  offerOnRepeatedQuestion: boolean;
}

/** What Warmline does next: offer a person, withdraw an offer (the bot helped), or nothing. */
export type Verdict = "offer" | "withdraw" | "none";

export interface Frustration {
  /** A bot answer; `understood` is false for its fallback ("I did not understand"). */
  botAnswered(text: string, understood: boolean): Verdict;
  /** A user message: the same question again means the answer did not help. */
  userWrote(text: string): Verdict;
}

/** "Where is my parcel?" and "where is my parcel" are the same question. */
export function normalizeForRepeat(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

export function createFrustration(rules: FrustrationRules): Frustration {
  let botMisses = 0;
  let lastBotText: string | null = null;
  let lastUserText: string | null = null;
  return {
    botAnswered(text, understood) {
      const repeated = lastBotText === text;
      lastBotText = text;
      if (understood && !repeated) {
        botMisses = 0;
        return "withdraw";
      }
      // A canned answer given twice failed both times.
      botMisses = repeated ? Math.max(botMisses, 1) + 1 : botMisses + 1;
      return botMisses >= rules.missesBeforeOffer ? "offer" : "none";
    },
    userWrote(text) {
      const normalized = normalizeForRepeat(text);
      const repeated = lastUserText === normalized;
      lastUserText = normalized;
      return repeated && rules.offerOnRepeatedQuestion ? "offer" : "none";
    },
  };
}
