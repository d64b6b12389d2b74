// The window's copy of the conversation: a snapshot plus the events that
// followed it. Pure functions, so the ordering rules are easy to follow.
//
// Events are numbered without gaps. An event whose number skips one (the
// window fell behind, e.g. the engine's event channel overflowed) is not
// applied: the window asks for a fresh snapshot instead (`resyncing`), and
// keeps the events that arrive meanwhile for after it.
//
// Every event and snapshot also carries the engine's epoch: the app starts a
// new engine, numbering from 1 again, when it switches to another backend
// profile. An event of a newer epoch is treated like a gap (a fresh snapshot
// of the new engine, then its events after it); events of an older epoch
// come from an engine that has stopped and are dropped.
import type {
  BackendInfo,
  ConnectionState,
  ConversationChange,
  ConversationEvent,
  ConversationSnapshot,
  HandoffState,
  Message,
  MessageId,
  MessagePage,
} from "./bindings";
import type { DisplayError } from "./backend/types";

export interface ConversationView {
  /** False until the first snapshot arrived; the log and status stay empty until then. */
  loaded: boolean;
  /** The draft the engine kept (from the first snapshot): restored into the text box. */
  savedDraft: string;
  /** The engine the view follows (see the note at the top). */
  epoch: number;
  /** seq of the snapshot or of the last event applied. */
  seq: number;
  backend: BackendInfo | null;
  /** The messages the window has, oldest first: the newest ones, and older pages the reader scrolled up to. */
  messages: Message[];
  /** Older messages than `messages[0]` exist; they are fetched when the reader scrolls up to them. */
  hasOlder: boolean;
  handoff: HandoffState;
  connection: ConnectionState;
  typing: string | null;
  /** Warmline offers a person because the bot did not help. */
  personOffered: boolean;
  /** The failure shown in the alert area, if any. */
  error: DisplayError | null;
  /** A gap in the event numbers was seen; a new snapshot is needed. */
  resyncing: boolean;
  /** How many gaps were seen: each one asks for a snapshot. */
  gaps: number;
  /** Events that arrived before the (first or next) snapshot, kept until it comes. */
  early: ConversationEvent[];
}

export type ConversationAction =
  /** `recovered`: earlier attempts failed, so their error can go. */
  | { type: "snapshot"; snapshot: ConversationSnapshot; recovered: boolean }
  | { type: "event"; event: ConversationEvent }
  /** The messages before `before`, fetched when the reader scrolled up to it. */
  | { type: "older"; before: MessageId; page: MessagePage }
  | { type: "showError"; error: DisplayError }
  | { type: "clearError" };

export const initialView: ConversationView = {
  loaded: false,
  savedDraft: "",
  epoch: 0,
  seq: 0,
  backend: null,
  messages: [],
  hasOlder: false,
  handoff: { state: "none" },
  connection: "connecting",
  typing: null,
  personOffered: false,
  error: null,
  resyncing: false,
  gaps: 0,
  early: [],
};

function applyChange(view: ConversationView, change: ConversationChange): ConversationView {
  switch (change.kind) {
    case "messageAdded": {
      const { message } = change;
      const index = view.messages.findIndex((m) => m.id === message.id);
      if (index >= 0) {
        const messages = view.messages.slice();
        messages[index] = message;
        return { ...view, messages };
      }
      return { ...view, messages: [...view.messages, message] };
    }
    case "deliveryChanged":
      return {
        ...view,
        // On its way again ("Try again"): the old reason no longer holds.
        messages: view.messages.map((m) =>
          m.id === change.id
            ? { ...m, delivery: change.delivery, failure: change.delivery === "failed" ? m.failure : undefined }
            : m,
        ),
      };
    case "messageFailed":
      return {
        ...view,
        messages: view.messages.map((m) =>
          m.id === change.id ? { ...m, delivery: "failed", failure: change.failure } : m,
        ),
      };
    case "handoffChanged":
      return { ...view, handoff: change.handoff };
    case "connectionChanged": {
      // Back online: an old "cannot be reached" note would now be wrong.
      const recovered = change.connection === "online" && view.connection !== "online";
      return { ...view, connection: change.connection, error: recovered ? null : view.error };
    }
    case "typingChanged":
      return { ...view, typing: change.typing };
    case "personOffered":
      return { ...view, personOffered: change.offered };
    case "failed":
      return { ...view, error: { messageId: change.error.messageId, args: { ...change.error.args } } };
  }
}

function applyEvent(view: ConversationView, event: ConversationEvent): ConversationView {
  if (view.resyncing) {
    // Waiting for the snapshot that fills the gap; this event may follow it.
    return { ...view, early: [...view.early, event] };
  }
  if (event.epoch < view.epoch) {
    // From an engine that has stopped (the app switched profiles).
    return view;
  }
  if (event.epoch > view.epoch) {
    // A new engine: its conversation is another one. Read it whole.
    return { ...view, resyncing: true, gaps: view.gaps + 1, early: [event] };
  }
  if (event.seq <= view.seq) {
    // Already part of the snapshot (or a duplicate).
    return view;
  }
  if (event.seq > view.seq + 1) {
    // Events were missed: applying this one would show a conversation with
    // holes in it. Ask for the whole conversation again.
    return { ...view, resyncing: true, gaps: view.gaps + 1, early: [event] };
  }
  return { ...applyChange(view, event.change), seq: event.seq };
}

export function reduceConversation(view: ConversationView, action: ConversationAction): ConversationView {
  switch (action.type) {
    case "event":
      if (!view.loaded) {
        return { ...view, early: [...view.early, action.event] };
      }
      return applyEvent(view, action.event);
    case "snapshot": {
      const { snapshot } = action;
      // Another engine's conversation comes with its own draft.
      const sameEngine = view.loaded && view.epoch === snapshot.epoch;
      const base: ConversationView = {
        ...view,
        loaded: true,
        savedDraft: sameEngine ? view.savedDraft : snapshot.draft,
        epoch: snapshot.epoch,
        seq: snapshot.seq,
        backend: snapshot.backend,
        messages: snapshot.messages,
        hasOlder: snapshot.hasOlder,
        handoff: snapshot.handoff,
        connection: snapshot.connection,
        typing: snapshot.typing,
        personOffered: snapshot.personOffered,
        error: action.recovered ? null : view.error,
        resyncing: false,
        early: [],
      };
      const early = [...view.early].sort((a, b) => a.epoch - b.epoch || a.seq - b.seq);
      return early.reduce(applyEvent, base);
    }
    case "older": {
      // A snapshot that came in meanwhile starts elsewhere: this page no
      // longer joins on.
      if (view.messages[0]?.id !== action.before) {
        return view;
      }
      const known = new Set(view.messages.map((m) => m.id));
      const older = action.page.messages.filter((m) => !known.has(m.id));
      return { ...view, messages: [...older, ...view.messages], hasOlder: action.page.hasOlder };
    }
    case "showError":
      return { ...view, error: action.error };
    case "clearError":
      return view.error === null ? view : { ...view, error: null };
  }
}

/** The value of #app's data-handoff-state attribute. */
export function handoffAttribute(handoff: HandoffState): string {
  switch (handoff.state) {
    case "messageLeft":
      return "message-left";
    case "messageQueued":
      return "message-queued";
    default:
      return handoff.state;
  }
}

/** True while a person was asked for and has not answered yet. */
export function isWaitingForPerson(handoff: HandoffState): boolean {
  return handoff.state === "requested" || handoff.state === "queued";
}
