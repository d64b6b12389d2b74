// What the window keeps about voice input, and how recognized words join
// what the user already typed.
import type { VoiceUiStatus, VoiceUpdate } from "./bindings";
import { toDisplayError, type DisplayError } from "./backend/types";

/** How the last dictation ended, shown under the text box until the next one. */
export type VoiceOutcome =
  | { kind: "done" }
  | { kind: "doneSent" }
  | { kind: "nothingHeard" }
  | { kind: "error"; error: DisplayError };

export interface VoiceView {
  /** Null until the status is known (or when voice is not available at all). */
  status: VoiceUiStatus | null;
  /** Loudness 0..1 while listening. */
  level: number;
  /** Words recognized so far while the user speaks. */
  partial: string;
  outcome: VoiceOutcome | null;
}

export const initialVoiceView: VoiceView = { status: null, level: 0, partial: "", outcome: null };

export type VoiceAction =
  | { type: "status"; status: VoiceUiStatus }
  | { type: "update"; update: VoiceUpdate }
  | { type: "outcome"; outcome: VoiceOutcome | null };

export function reduceVoice(view: VoiceView, action: VoiceAction): VoiceView {
  switch (action.type) {
    case "status":
      return { ...view, status: action.status };
    case "outcome":
      return { ...view, outcome: action.outcome };
    case "update": {
      const update = action.update;
      switch (update.kind) {
        case "status": {
          const starting = update.status.phase === "listening" && view.status?.phase !== "listening";
          return {
            ...view,
            status: update.status,
            level: update.status.phase === "listening" ? view.level : 0,
            partial: starting ? "" : view.partial,
            // A new dictation clears what the last one said.
            outcome: starting ? null : view.outcome,
          };
        }
        case "level":
          return { ...view, level: Math.min(1, Math.max(0, update.level ?? 0)) };
        case "partial":
          return { ...view, partial: update.text };
        case "final":
          // The window decides what "done" means (inserted or sent).
          return { ...view, partial: "" };
        case "nothingHeard":
          return { ...view, partial: "", outcome: { kind: "nothingHeard" } };
        case "failed":
          return { ...view, partial: "", outcome: { kind: "error", error: toDisplayError(update.error) } };
      }
    }
  }
  return view;
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/**
 * Adds recognized words to what is in the text box without ever replacing
 * what the user typed: after it, separated by a space unless the text box
 * already ends in one or both sides are Chinese (which uses no spaces).
 */
export function insertRecognized(draft: string, recognized: string): string {
  const text = recognized.trim();
  if (text === "") {
    return draft;
  }
  if (draft.trim() === "") {
    return text;
  }
  const last = draft.slice(-1);
  const first = text.slice(0, 1);
  const joiner = /\s/u.test(last) || (CJK.test(last) && CJK.test(first)) ? "" : " ";
  return `${draft}${joiner}${text}`;
}
