// The test control surface of the fake backend (window.__warmlineFake):
// what the UI tests may do to the stand-in engine and what they may read
// back. The fake itself is in fake.ts.
import type { FakeSettingsControl } from "./fakeSettings";
import type { Author, ConnectionState, ConversationChange, ConversationSnapshot, Message, MessageArg, MessageId, UiError } from "../bindings";
import type { FakeReadAloudControl } from "./fakeReadAloud";
import type { FakeVoiceControl } from "./fakeVoice";

export type FakeCommand =
  | "snapshot"
  | "sendMessage"
  | "requestPerson"
  | "cancelPerson"
  | "leaveMessage"
  | "retryMessage";

/** What leaveMessage() received. */
export interface LeftMessage {
  text: string;
  phone: string | null;
  preferredTime: string | null;
}

export interface FakeControl {
  /**
   * Applies a change as the engine would and broadcasts it; returns its seq.
   * With `drop`, the window never hears of it (it fell behind): the next
   * event it receives skips a number.
   */
  emit(change: ConversationChange, options?: { drop?: boolean }): number;
  /** Adds a message (text or notice) from anyone; returns its id. */
  addMessage(author: Author, text: string): MessageId;
  addNotice(messageId: string, args?: Record<string, MessageArg>): MessageId;
  /** The next call of `command` rejects with `error`. */
  failNext(command: FakeCommand, error: UiError): void;
  failNextSend(error: UiError): void;
  setConnection(connection: ConnectionState): void;
  /**
   * As when the app switches to another backend profile: a new engine with
   * the next epoch, numbering its events from 1, on an empty conversation
   * (or `messages`). Nothing is announced; the new engine's events follow.
   */
  switchEngine(messages?: Message[]): void;
  /** Milliseconds per queue step; 0 stops the clock (use advanceQueue). */
  setQueueSpeed(stepMs: number): void;
  advanceQueue(): void;
  setReplyDelay(ms: number): void;
  /** After hours, a request for a person ends with nobody available. */
  setAfterHours(afterHours: boolean): void;
  releaseSnapshot(): void;
  /** Lets a held appInfo() (`?holdAppInfo=1`) answer: the window renders after it. */
  releaseAppInfo(): void;
  /** Everything sendMessage accepted, in order. */
  readonly sentTexts: string[];
  /** Everything leaveMessage passed on to "the service", in order (one left offline: once the connection is back). */
  readonly leftMessages: LeftMessage[];
  /** The ids retryMessage sent again, in order. */
  readonly retriedIds: MessageId[];
  /** The draft as last saved by the window. */
  savedDraft(): string;
  snapshotCalls(): number;
  /** How often the window called `command` (failed calls included). */
  callCount(command: FakeCommand): number;
  listenerCount(): number;
  state(): ConversationSnapshot;
  /** Voice input (see fakeVoice.ts). */
  readonly voice: FakeVoiceControl;
  /** Read-aloud (see fakeReadAloud.ts). */
  readonly readAloud: FakeReadAloudControl;
  /** The caregiver's settings (see fakeSettings.ts). */
  readonly settings: FakeSettingsControl;
}

declare global {
  interface Window {
    __warmlineFake?: FakeControl;
  }
}
