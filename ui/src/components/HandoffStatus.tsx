import type { ComponentChildren, Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ConnectionState, HandoffState } from "../bindings";
import type { Localizer } from "../i18n";

/** Queue numbers are announced at most this often; other changes at once. */
export const QUEUE_ANNOUNCE_INTERVAL_MS = 60_000;

/** Whole minutes to announce: 0 below one minute, otherwise rounded up. */
export function waitMinutes(seconds: number): number {
  return seconds < 60 ? 0 : Math.ceil(seconds / 60);
}

/** The person button was pressed again while a request stands. */
export interface PersonAnswer {
  /** How many such presses: each one is said again. */
  presses: number;
  /** The request is still on its way (the state has not changed yet). */
  pending?: boolean;
}

/**
 * What a press of the person button says while a request already stands:
 * "You already asked for a person." and where it stands, in words.
 */
export function personAnswerText(
  handoff: HandoffState,
  answer: PersonAnswer,
  context: HandoffContext,
  t: Localizer,
): string {
  if (handoff.state === "connected") {
    return t.format(handoff.demo ? "handoff-connected-demo" : "handoff-connected", { name: handoff.agentName });
  }
  const where = answer.pending === true ? [t.format("handoff-requested")] : handoffSentences(handoff, context, t);
  return [t.format("person-already-asked"), ...where].join(" ");
}

/** What the status panel needs to know besides the handoff state. */
export interface HandoffContext {
  connection: ConnectionState;
  /** The backend accepts a message or a call-back request (the form is shown). */
  canLeaveMessage: boolean;
}

/** The sentences that describe where the request for a person stands. */
export function handoffSentences(handoff: HandoffState, context: HandoffContext, t: Localizer): string[] {
  switch (handoff.state) {
    case "none":
      return [];
    case "requested":
      // Asked while the connection is down: the request is kept, not lost.
      return [t.format(context.connection === "online" ? "handoff-requested" : "handoff-requested-offline")];
    case "queued": {
      const { position, estimatedWaitSecs } = handoff;
      if (position === null && estimatedWaitSecs === null) {
        return [t.format("handoff-queued-unknown")];
      }
      const sentences =
        position === null
          ? [t.format("handoff-queued")]
          : [t.format("handoff-queued-position", { position })];
      if (estimatedWaitSecs !== null) {
        sentences.push(t.format("handoff-wait-minutes", { minutes: waitMinutes(estimatedWaitSecs) }));
      }
      return sentences;
    }
    case "connected":
      return [
        t.format(handoff.demo ? "handoff-connected-demo" : "handoff-connected", { name: handoff.agentName }),
      ];
    case "unavailable":
      // Never a dead end: a message, a call back, or trying again later.
      return [
        t.format("handoff-unavailable"),
        t.format(context.canLeaveMessage ? "handoff-unavailable-leave-message" : "handoff-unavailable-try-later"),
      ];
    case "messageQueued":
      // Kept, and passed on by itself once the connection is back.
      return [t.format(handoff.callback ? "handoff-callback-queued" : "handoff-message-queued")];
    case "messageLeft":
      return [
        t.format(handoff.callback ? "handoff-callback-requested" : "handoff-message-left", {
          reference: handoff.reference,
        }),
      ];
  }
}

export function connectionSentence(connection: ConnectionState, t: Localizer): string | null {
  switch (connection) {
    case "online":
      return null;
    case "connecting":
      return t.format("connection-connecting");
    case "reconnecting":
      return t.format("connection-reconnecting");
    case "signInNeeded":
      // Stays while it lasts: nothing is tried until the sign-in is fixed.
      return t.format("connection-sign-in-needed");
  }
}

/**
 * What the screen reader hears: `text` at once when `kind` changed (a new
 * handoff or connection state), otherwise (new queue numbers) at most once
 * every QUEUE_ANNOUNCE_INTERVAL_MS, then the latest text.
 */
export function useRateLimitedAnnouncement(kind: string, text: string): string {
  const [announced, setAnnounced] = useState("");
  const lastRef = useRef<{ kind: string; text: string; at: number } | null>(null);

  useEffect(() => {
    const announce = (): void => {
      lastRef.current = { kind, text, at: Date.now() };
      setAnnounced(text);
    };
    const last = lastRef.current;
    if (last?.kind !== kind) {
      announce();
      return undefined;
    }
    if (last.text === text) {
      return undefined;
    }
    const wait = last.at + QUEUE_ANNOUNCE_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      announce();
      return undefined;
    }
    // Announced later with whatever the panel says then; a newer change
    // replaces this timer (the cleanup runs before the next effect).
    const timer = setTimeout(announce, wait);
    return () => {
      clearTimeout(timer);
    };
  }, [kind, text]);

  return announced;
}

/**
 * The status panel and its announcer. The panel (#handoff-panel) always shows
 * the current words; it is not a live region, because a queue that moves
 * every few seconds would keep interrupting the reader. Announcements go
 * through #handoff-status (role="status"), which is in the page from the
 * start, empty, and hidden from sight: state changes at once, queue numbers
 * at most once a minute. Both stay empty until the snapshot.
 */
export function HandoffStatus(props: {
  loaded: boolean;
  handoff: HandoffState;
  context: HandoffContext;
  t: Localizer;
  panelRef?: Ref<HTMLDivElement>;
  /** Set when the person button was pressed again while a request stands. */
  answer?: PersonAnswer | null;
  /** The button that cancels a request, shown under the words while waiting. */
  cancelButton?: ComponentChildren;
  /** The leave-a-message form, shown under the words while nobody is available. */
  children?: ComponentChildren;
}) {
  const { loaded, handoff, context, t, panelRef, answer = null, cancelButton, children } = props;
  const answerText = loaded && answer !== null ? personAnswerText(handoff, answer, context, t) : null;
  const sentences = loaded ? handoffSentences(handoff, context, t) : [];
  const connectionText = loaded ? connectionSentence(context.connection, t) : null;
  const spoken =
    answerText ?? [...sentences, ...(connectionText === null ? [] : [connectionText])].join(" ");
  // Each press of the person button is answered at once.
  const kind = loaded ? `${handoff.state}|${context.connection}|${String(answer?.presses ?? 0)}` : "loading";
  const announced = useRateLimitedAnnouncement(kind, spoken);
  const empty = sentences.length === 0 && connectionText === null && answerText === null && !cancelButton && !children;
  // One fact per line: "You are number 2 in line." / "Expected wait: …".
  return (
    <div class={`handoff${children ? " handoff--form" : ""}${empty ? " handoff--empty" : ""}`}>
      <div id="handoff-panel" ref={panelRef} class="status" tabIndex={-1}>
        {sentences.map((sentence, index) => (
          <p key={index} class="status__handoff" data-handoff={handoff.state}>
            {sentence}
          </p>
        ))}
        {connectionText !== null && (
          <p class="status__connection" data-connection={context.connection}>
            {connectionText}
          </p>
        )}
      </div>
      {(answerText !== null || cancelButton) && (
        <div class="status-actions">
          {answerText !== null && (
            <p id="person-answer" class="status-actions__answer">
              {answerText}
            </p>
          )}
          {cancelButton}
        </div>
      )}
      {children}
      <div id="handoff-status" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announced}
      </div>
    </div>
  );
}
