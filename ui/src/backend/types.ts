import type {
  AppInfo,
  ConversationEvent,
  ConversationSnapshot,
  MessageArg,
  MessageId,
  MessagePage,
  UiError,
  VoiceUiStatus,
  VoiceUpdate,
} from "../bindings";
import type { SettingsService } from "./settings";

/** Stops delivering events to the callback given to an `onEvent`. */
export type Unsubscribe = () => void;

/**
 * One conversation with the support service: what the chat screen reads and
 * does. Every failing call rejects with a `WarmlineError`.
 */
export interface ConversationService {
  /** The conversation with its newest messages; `hasOlder` says whether there are more. */
  snapshot(): Promise<ConversationSnapshot>;
  /** Up to `limit` messages just before `before`, for a reader scrolling up. */
  olderMessages(before: MessageId, limit: number): Promise<MessagePage>;
  /** Resolves with the new message's id once the engine accepted it. */
  sendMessage(text: string): Promise<MessageId>;
  requestPerson(): Promise<void>;
  cancelPerson(): Promise<void>;
  /**
   * Leaves a message, or asks for a call back when `phone` is given, while
   * nobody is available. Resolves once the service confirmed it, or once it
   * is kept to be passed on by itself when the service cannot be reached;
   * the confirmation (with its reference), or the note that it is kept,
   * arrives as events.
   */
  leaveMessage(text: string, phone: string | null, preferredTime: string | null): Promise<void>;
  /** "Try again" on a message that could not be sent: it goes out again with the same id. */
  retryMessage(id: MessageId): Promise<void>;
  /** Keeps what the user is typing, so a crash or a restart never loses it. */
  saveDraft(text: string): Promise<void>;
  /**
   * Subscribes to conversation events. Resolves once the subscription is
   * live, so that a snapshot fetched afterwards cannot miss an event.
   */
  onEvent(callback: (event: ConversationEvent) => void): Promise<Unsubscribe>;
}

/** Speaking instead of typing: the microphone button and the speech model. */
export interface VoiceService {
  /** The microphone button's and the speech model's state. */
  status(): Promise<VoiceUiStatus>;
  /** Starts listening (the first press of the microphone button). */
  startDictation(): Promise<void>;
  /** Stops listening and turns what was said into text (the second press). */
  stopDictation(): Promise<void>;
  /** Fetches the speech model; progress arrives as voice events. */
  downloadModel(): Promise<void>;
  /** Subscribes to voice events (levels, recognized text, state changes). */
  onEvent(callback: (update: VoiceUpdate) => void): Promise<Unsubscribe>;
}

/** Reading replies aloud with the system's speech engine. */
export interface ReadAloudService {
  /** "Read aloud again": reads one reply now, stopping whatever is being read. */
  readAgain(id: MessageId): Promise<void>;
  /** "Stop reading". */
  stop(): Promise<void>;
  /** True while something is being read aloud. */
  reading(): Promise<boolean>;
  /** Each time reading starts (`true`) or ends. */
  onReading(callback: (reading: boolean) => void): Promise<Unsubscribe>;
}

/**
 * Everything the window talks to, one service per domain. Implemented by the
 * Tauri bridge (src/backend/tauri.ts, the only module that touches
 * `@tauri-apps/api`) and by the in-browser fake (src/backend/fake.ts) for
 * `npm run dev` and the UI tests. A new area joins as one more service
 * here, with its Tauri and fake halves.
 */
export interface WarmlineBackend {
  appInfo(): Promise<AppInfo>;
  conversation: ConversationService;
  voice: VoiceService;
  /** Reading replies aloud. */
  readAloud: ReadAloudService;
  /** The caregiver's settings area (and what the chat window needs of it). */
  settings: SettingsService;
}

/** The message id shown when a failure carries no usable UiError. */
export const UNKNOWN_ERROR_MESSAGE_ID = "error-unknown";

/** A UiError-shaped Error: what every backend method rejects with. */
export class WarmlineError extends Error implements UiError {
  readonly code: UiError["code"];
  readonly messageId: string;
  readonly args: Record<string, MessageArg>;

  constructor(error: UiError) {
    super(error.messageId);
    this.name = "WarmlineError";
    this.code = error.code;
    this.messageId = error.messageId;
    this.args = error.args;
  }
}

/** What the window shows for a failure: a Fluent message id and its arguments. */
export interface DisplayError {
  messageId: string;
  args: Record<string, MessageArg>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** True when `value` looks like a UiError sent by the engine. */
export function isUiError(value: unknown): value is UiError {
  return (
    isRecord(value) &&
    typeof value.code === "string" &&
    typeof value.messageId === "string" &&
    isRecord(value.args)
  );
}

/** Turns anything a backend call rejected with into something the window can show. */
export function toDisplayError(reason: unknown): DisplayError {
  if (isUiError(reason)) {
    return { messageId: reason.messageId, args: { ...reason.args } };
  }
  // A broken bridge, a panic, a string: nothing the user can act on beyond
  // knowing that their words are safe.
  return { messageId: UNKNOWN_ERROR_MESSAGE_ID, args: {} };
}
