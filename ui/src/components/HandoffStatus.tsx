import type { ConnectionState, HandoffState } from "../bindings";
import type { Localizer } from "../i18n";

/** Whole minutes to announce: 0 below one minute, otherwise rounded up. */
export function waitMinutes(seconds: number): number {
  return seconds < 60 ? 0 : Math.ceil(seconds / 60);
}

/** The sentences that describe where the request for a person stands. */
export function handoffSentences(handoff: HandoffState, t: Localizer): string[] {
  switch (handoff.state) {
    case "none":
      return [];
    case "requested":
      return [t.format("handoff-requested")];
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
      return [t.format("handoff-unavailable")];
    case "messageLeft":
      return [t.format("handoff-message-left")];
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
  }
}

/**
 * The status panel. It is in the page from the start, empty, so that screen
 * readers announce what it says later; it stays empty until the snapshot.
 */
export function HandoffStatus(props: {
  loaded: boolean;
  handoff: HandoffState;
  connection: ConnectionState;
  t: Localizer;
}) {
  const { loaded, handoff, connection, t } = props;
  const sentences = loaded ? handoffSentences(handoff, t) : [];
  const connectionText = loaded ? connectionSentence(connection, t) : null;
  // One fact per line: "You are number 2 in line." / "Expected wait: …".
  return (
    <div id="handoff-status" class="status" role="status" aria-live="polite">
      {sentences.map((sentence, index) => (
        <p key={index} class="status__handoff" data-handoff={handoff.state}>
          {sentence}
        </p>
      ))}
      {connectionText !== null && (
        <p class="status__connection" data-connection={connection}>
          {connectionText}
        </p>
      )}
    </div>
  );
}
