// An in-browser stand-in for the Rust engine, for `npm run dev` in a plain
// browser and for the UI tests. The words its bot and agent say are test
// data, not user interface text, so they are literal English here.
//
// Query parameters (all optional):
//   lang=zh-CN          locale reported by appInfo() (default en-US)
//   holdSnapshot=1      snapshot() waits for __warmlineFake.releaseSnapshot()
//   queueStepMs=N       ms between queue steps; 0 = only advanceQueue() moves it
//   replyDelayMs=N      ms before delivery/typing/reply steps (default 600)
//   welcome=0           start with an empty conversation
//   demo=0              report a non-demo backend
//   connection=STATE    initial connection state (default online)
//
// Test control surface: window.__warmlineFake (see FakeControl).
import type {
  AppInfo,
  Author,
  ConnectionState,
  ConversationChange,
  ConversationEvent,
  ConversationSnapshot,
  HandoffState,
  Message,
  MessageArg,
  MessageId,
  UiError,
} from "../bindings";
import { WarmlineError, type Unsubscribe, type WarmlineBackend } from "./types";

export type FakeCommand = "snapshot" | "sendMessage" | "requestPerson" | "cancelPerson";

export interface FakeControl {
  /** Applies a change as the engine would and broadcasts it; returns its seq. */
  emit(change: ConversationChange): number;
  /** Adds a message (text or notice) from anyone; returns its id. */
  addMessage(author: Author, text: string): MessageId;
  addNotice(messageId: string, args?: Record<string, MessageArg>): MessageId;
  /** The next call of `command` rejects with `error`. */
  failNext(command: FakeCommand, error: UiError): void;
  failNextSend(error: UiError): void;
  setConnection(connection: ConnectionState): void;
  /** Milliseconds per queue step; 0 stops the clock (use advanceQueue). */
  setQueueSpeed(stepMs: number): void;
  advanceQueue(): void;
  setReplyDelay(ms: number): void;
  releaseSnapshot(): void;
  /** Everything sendMessage accepted, in order. */
  readonly sentTexts: string[];
  snapshotCalls(): number;
  listenerCount(): number;
  state(): ConversationSnapshot;
}

declare global {
  interface Window {
    __warmlineFake?: FakeControl;
  }
}

const BOT: Author = { kind: "bot", name: "Sunny", demo: true };
const AGENT_NAME = "Mei";

const WELCOME =
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
const NOT_UNDERSTOOD =
  'I am sorry, I did not understand that. I can answer questions about bills, deliveries, refunds, passwords and opening hours. You can also press "Talk to a person".';
const AGENT_GREETING = `Hello, this is ${AGENT_NAME}. I can see our conversation so far, so you do not need to repeat anything. How can I help?`;
const AGENT_REPLY =
  "Thank you, I have noted that. This is a demonstration, so I cannot look at a real account, but a real agent would take care of it now.";

/** The queue the fake walks through after requestPerson(). */
const QUEUE: readonly HandoffState[] = [
  { state: "requested" },
  { state: "queued", position: 3, estimatedWaitSecs: 180 },
  { state: "queued", position: 2, estimatedWaitSecs: 120 },
  { state: "queued", position: 1, estimatedWaitSecs: 45 },
  { state: "connected", agentName: AGENT_NAME, demo: true },
];

function botReply(text: string): string {
  return FAQ.find((entry) => entry.pattern.test(text))?.reply ?? NOT_UNDERSTOOD;
}

function readNumber(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") {
    return fallback;
  }
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function readConnection(raw: string | null): ConnectionState {
  return raw === "connecting" || raw === "reconnecting" ? raw : "online";
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export function createFakeBackend(params: URLSearchParams): WarmlineBackend {
  const locale = params.get("lang") ?? "en-US";
  let replyDelayMs = readNumber(params, "replyDelayMs", 600);
  let queueStepMs = readNumber(params, "queueStepMs", 1500);
  const holdSnapshot = params.get("holdSnapshot") === "1";

  let seq = 0;
  let nextId = 1;
  let snapshotCalls = 0;
  const messages: Message[] = [];
  let handoff: HandoffState = { state: "none" };
  let connection: ConnectionState = readConnection(params.get("connection"));
  let typing: string | null = null;
  const listeners = new Set<(event: ConversationEvent) => void>();
  const failures = new Map<FakeCommand, UiError>();
  const sentTexts: string[] = [];
  let queueStage = -1;
  let queueTimer: ReturnType<typeof setTimeout> | undefined;
  let releaseHeldSnapshot: (() => void) | null = null;
  const snapshotGate: Promise<void> = holdSnapshot
    ? new Promise((resolve) => {
        releaseHeldSnapshot = resolve;
      })
    : Promise.resolve();

  const backendInfo = {
    kind: "fake",
    demo: params.get("demo") !== "0",
    capabilities: {
      queuePosition: true,
      waitEstimate: true,
      typing: true,
      agentIdentity: true,
      leaveMessage: false,
    },
  };

  function newId(): MessageId {
    const id = `fake-${nextId}`;
    nextId += 1;
    return id;
  }

  function apply(change: ConversationChange): void {
    switch (change.kind) {
      case "messageAdded":
        messages.push(clone(change.message));
        break;
      case "deliveryChanged": {
        const message = messages.find((m) => m.id === change.id);
        if (message) {
          message.delivery = change.delivery;
        }
        break;
      }
      case "handoffChanged":
        handoff = clone(change.handoff);
        break;
      case "connectionChanged":
        connection = change.connection;
        break;
      case "typingChanged":
        typing = change.typing;
        break;
      case "failed":
        break;
    }
  }

  function emit(change: ConversationChange): number {
    apply(change);
    seq += 1;
    const event: ConversationEvent = { seq, change: clone(change) };
    // Like Tauri events, delivery is asynchronous and in order.
    setTimeout(() => {
      for (const listener of listeners) {
        listener(clone(event));
      }
    }, 0);
    return seq;
  }

  function addMessage(author: Author, text: string): MessageId {
    const id = newId();
    emit({
      kind: "messageAdded",
      message: { id, author, body: { kind: "text", text }, sentAt: Date.now(), delivery: "received" },
    });
    return id;
  }

  function addNotice(messageId: string, args: Record<string, MessageArg> = {}): MessageId {
    const id = newId();
    emit({
      kind: "messageAdded",
      message: {
        id,
        author: { kind: "system" },
        body: { kind: "notice", notice: { messageId, args } },
        sentAt: Date.now(),
        delivery: "received",
      },
    });
    return id;
  }

  function later(action: () => void, ms = replyDelayMs): void {
    setTimeout(action, ms);
  }

  function takeFailure(command: FakeCommand): void {
    const failure = failures.get(command);
    if (failure) {
      failures.delete(command);
      throw new WarmlineError(failure);
    }
  }

  function reply(author: Author & { name: string }, text: string): void {
    later(() => {
      emit({ kind: "typingChanged", typing: author.name });
      later(() => {
        emit({ kind: "typingChanged", typing: null });
        addMessage(author, text);
      });
    });
  }

  function stopQueueClock(): void {
    if (queueTimer !== undefined) {
      clearTimeout(queueTimer);
      queueTimer = undefined;
    }
  }

  function scheduleQueueStep(): void {
    stopQueueClock();
    if (queueStepMs > 0 && queueStage >= 0 && queueStage < QUEUE.length - 1) {
      queueTimer = setTimeout(() => {
        queueTimer = undefined;
        advanceQueue();
      }, queueStepMs);
    }
  }

  function advanceQueue(): void {
    if (queueStage < 0 || queueStage >= QUEUE.length - 1) {
      return;
    }
    queueStage += 1;
    const next = QUEUE[queueStage];
    if (next === undefined) {
      return;
    }
    emit({ kind: "handoffChanged", handoff: next });
    if (next.state === "connected") {
      addNotice("notice-agent-joined", { name: AGENT_NAME });
      reply({ kind: "agent", name: AGENT_NAME, demo: true }, AGENT_GREETING);
      queueStage = -1;
      return;
    }
    scheduleQueueStep();
  }

  function setConnection(next: ConnectionState): void {
    if (next === connection) {
      return;
    }
    emit({ kind: "connectionChanged", connection: next });
    if (next === "online") {
      for (const message of messages) {
        if (message.delivery === "willRetry") {
          emit({ kind: "deliveryChanged", id: message.id, delivery: "sent" });
        }
      }
    }
  }

  if (params.get("welcome") !== "0") {
    addMessage(BOT, WELCOME);
  }

  const control: FakeControl = {
    emit,
    addMessage,
    addNotice,
    failNext(command, error) {
      failures.set(command, clone(error));
    },
    failNextSend(error) {
      failures.set("sendMessage", clone(error));
    },
    setConnection,
    setQueueSpeed(stepMs) {
      queueStepMs = Math.max(0, stepMs);
      scheduleQueueStep();
    },
    advanceQueue,
    setReplyDelay(ms) {
      replyDelayMs = Math.max(0, ms);
    },
    releaseSnapshot() {
      releaseHeldSnapshot?.();
    },
    sentTexts,
    snapshotCalls: () => snapshotCalls,
    listenerCount: () => listeners.size,
    state: () => ({ seq, backend: clone(backendInfo), messages: clone(messages), handoff: clone(handoff), connection, typing }),
  };
  window.__warmlineFake = control;

  return {
    appInfo(): Promise<AppInfo> {
      return Promise.resolve({ locale, version: "0.0.0-fake" });
    },
    async snapshot(): Promise<ConversationSnapshot> {
      snapshotCalls += 1;
      await snapshotGate;
      takeFailure("snapshot");
      return control.state();
    },
    sendMessage(text: string): Promise<MessageId> {
      try {
        if (text.trim() === "") {
          throw new WarmlineError({ code: "emptyMessage", messageId: "error-empty-message", args: {} });
        }
        takeFailure("sendMessage");
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      sentTexts.push(text);
      const id = newId();
      const offline = connection !== "online";
      emit({
        kind: "messageAdded",
        message: { id, author: { kind: "user" }, body: { kind: "text", text }, sentAt: Date.now(), delivery: "sending" },
      });
      later(() => {
        emit({ kind: "deliveryChanged", id, delivery: offline ? "willRetry" : "sent" });
      }, replyDelayMs / 2);
      if (handoff.state === "connected") {
        reply({ kind: "agent", name: handoff.agentName, demo: handoff.demo }, AGENT_REPLY);
      } else if (handoff.state === "none" || handoff.state === "unavailable" || handoff.state === "messageLeft") {
        reply({ kind: "bot", name: "Sunny", demo: true }, botReply(text));
      }
      // While waiting for a person the bot stays quiet; the words wait for the agent.
      return Promise.resolve(id);
    },
    requestPerson(): Promise<void> {
      try {
        takeFailure("requestPerson");
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (handoff.state === "requested" || handoff.state === "queued" || handoff.state === "connected") {
        return Promise.resolve();
      }
      addNotice("notice-person-requested");
      queueStage = 0;
      const first = QUEUE[0];
      if (first) {
        emit({ kind: "handoffChanged", handoff: first });
      }
      scheduleQueueStep();
      return Promise.resolve();
    },
    cancelPerson(): Promise<void> {
      try {
        takeFailure("cancelPerson");
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (handoff.state !== "requested" && handoff.state !== "queued") {
        return Promise.resolve();
      }
      stopQueueClock();
      queueStage = -1;
      emit({ kind: "handoffChanged", handoff: { state: "none" } });
      addNotice("notice-person-cancelled");
      return Promise.resolve();
    },
    onEvent(callback): Promise<Unsubscribe> {
      listeners.add(callback);
      return Promise.resolve(() => {
        listeners.delete(callback);
      });
    },
  };
}
