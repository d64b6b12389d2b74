// Performance marks of the page's start, read by the benchmark
// (tests/bench): where the time from the page's scripts running to the text
// box accepting typing goes. Each mark is set once, when its step is first
// done; `warmline-interactive` (ChatScreen) ends the start.

/** The steps of the start, in the order the chat window does them. */
export type StartStep =
  /** The page's modules have run: `startWindow` begins. */
  | "script"
  /** The backend (Tauri or the fake) is ready to be called. */
  | "backend"
  /** The app told the language (`appInfo`). */
  | "locale"
  /** The first render of the window's root is done. */
  | "render"
  /** The conversation's events are subscribed to. */
  | "subscribed"
  /** The first snapshot of the conversation is in. */
  | "snapshot";

/** Every start mark's name begins with this. */
export const START_MARK_PREFIX = "warmline-start-";

/** Sets the mark of `step`, unless it is set already. */
export function markStart(step: StartStep): void {
  const name = START_MARK_PREFIX + step;
  if (performance.getEntriesByName(name, "mark").length === 0) {
    performance.mark(name);
  }
}
