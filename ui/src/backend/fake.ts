// An in-browser stand-in for the Rust engine, for `npm run dev` in a plain
// browser and for the UI tests. The words its bot and agent say are test
// data, not user interface text, so they are literal English here.
//
// Query parameters (all optional):
//   lang=zh-CN          locale reported by appInfo() (default en-US)
//   holdSnapshot=1      snapshot() waits for __warmlineFake.releaseSnapshot()
//   holdAppInfo=1       appInfo() waits for __warmlineFake.releaseAppInfo()
//   queueStepMs=N       ms between queue steps; 0 = only advanceQueue() moves it
//   replyDelayMs=N      ms before delivery/typing/reply steps (default 600)
//   welcome=0           start with an empty conversation
//   demo=0              report a non-demo backend
//   connection=STATE    initial connection state (default online)
//   epoch=N             the engine's epoch (default 0); switchEngine() starts the next
//   afterHours=1        nobody comes: a request for a person ends "unavailable"
//   leaveMessage=0      the backend cannot take a message (capability off)
//   history=N           N earlier messages before the welcome (a long history)
//   speech=none, readMsPerChar=N   read-aloud (see fakeReadAloud.ts)
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
  MessagePage,
  UiError,
} from "../bindings";
import frustrationRules from "../../../src-tauri/crates/warmline-core/data/frustration-rules.json";
import { createFakeSettingsService } from "./fakeSettings";
import { fakeHistory, olderPage, recentSnapshot } from "./fakeHistory";
import { withFakeReadAloud } from "./fakeReadAloud";
import { createFakeVoice } from "./fakeVoice";
import { createFrustration } from "./frustration";
import { WarmlineError, type ConversationService, type Unsubscribe, type WarmlineBackend } from "./types";
import type { FakeCommand, FakeControl, LeftMessage } from "./fakeControl";
import {
  AGENT_GREETING,
  AGENT_NAME,
  AGENT_REPLY,
  BOT,
  BOT_NAME,
  botReply,
  noticesForWords,
  QUEUE,
  WELCOME,
} from "./fakeScript";

export type { FakeCommand, FakeControl, LeftMessage } from "./fakeControl";

function readNumber(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") {
    return fallback;
  }
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function readConnection(raw: string | null): ConnectionState {
  return raw === "connecting" || raw === "reconnecting" || raw === "signInNeeded" ? raw : "online";
}

function clone<T>(value: T): T {
  return structuredClone(value);
}


export function createFakeBackend(params: URLSearchParams): WarmlineBackend {
  const locale = params.get("lang") ?? "en-US";
  let replyDelayMs = readNumber(params, "replyDelayMs", 600);
  let queueStepMs = readNumber(params, "queueStepMs", 1500);
  let afterHours = params.get("afterHours") === "1";
  const holdSnapshot = params.get("holdSnapshot") === "1";
  const holdAppInfo = params.get("holdAppInfo") === "1";

  let epoch = readNumber(params, "epoch", 0);
  let seq = 0;
  let nextId = 1;
  let snapshotCalls = 0;
  const messages: Message[] = [];
  let handoff: HandoffState = { state: "none" };
  let connection: ConnectionState = readConnection(params.get("connection"));
  let typing: string | null = null;
  let personOffered = false;
  // `?draft=...` starts as if the app restarted with that unsent draft.
  let draft = params.get("draft") ?? "";
  // The engine's rules for when the bot did not help (shared data).
  const frustration = createFrustration(frustrationRules);
  let references = 0;
  const leftMessages: LeftMessage[] = [];
  /** Left while offline, passed on when the connection returns. */
  const queuedLeft: LeftMessage[] = [];
  const listeners = new Set<(event: ConversationEvent) => void>();
  const failures = new Map<FakeCommand, UiError>();
  const calls = new Map<FakeCommand, number>();
  const sentTexts: string[] = [];
  const retriedIds: MessageId[] = [];
  let queueStage = -1;
  let queueTimer: ReturnType<typeof setTimeout> | undefined;
  let releaseHeldSnapshot: (() => void) | null = null;
  const snapshotGate: Promise<void> = holdSnapshot
    ? new Promise((resolve) => {
        releaseHeldSnapshot = resolve;
      })
    : Promise.resolve();
  let releaseHeldAppInfo: (() => void) | null = null;
  const appInfoGate: Promise<void> = holdAppInfo
    ? new Promise((resolve) => {
        releaseHeldAppInfo = resolve;
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
      leaveMessage: params.get("leaveMessage") !== "0",
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
          if (change.delivery !== "failed") {
            delete message.failure;
          }
        }
        break;
      }
      case "messageFailed": {
        const message = messages.find((m) => m.id === change.id);
        if (message) {
          message.delivery = "failed";
          message.failure = clone(change.failure);
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
      case "personOffered":
        personOffered = change.offered;
        break;
      case "failed":
        break;
    }
  }

  function emit(change: ConversationChange, options: { drop?: boolean } = {}): number {
    apply(change);
    seq += 1;
    if (options.drop === true) {
      return seq;
    }
    const event: ConversationEvent = { epoch, seq, change: clone(change) };
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
    calls.set(command, (calls.get(command) ?? 0) + 1);
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

  function setPersonOffered(offered: boolean): void {
    if (personOffered !== offered) {
      emit({ kind: "personOffered", offered });
    }
  }

  /** Like the engine: once the bot failed (see frustration.ts), Warmline offers a person. */
  function offerPerson(): void {
    if (personOffered || handoff.state !== "none") {
      return;
    }
    addNotice("notice-offer-person");
    setPersonOffered(true);
  }

  function judgeBotAnswer(text: string, understood: boolean): void {
    const verdict = frustration.botAnswered(text, understood);
    if (verdict === "withdraw") {
      setPersonOffered(false);
    } else if (verdict === "offer") {
      offerPerson();
    }
  }

  function botAnswer(question: string): void {
    const answer = botReply(question);
    later(() => {
      emit({ kind: "typingChanged", typing: BOT_NAME });
      later(() => {
        emit({ kind: "typingChanged", typing: null });
        addMessage(BOT, answer.text);
        judgeBotAnswer(answer.text, answer.understood);
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
    if (connection !== "online" && queueStage === 0) {
      // The request waits for the connection, as in the engine.
      return;
    }
    if (afterHours && queueStage === 0) {
      // The service answers quickly that nobody is there.
      queueTimer = setTimeout(() => {
        queueTimer = undefined;
        nobodyAvailable();
      }, replyDelayMs);
      return;
    }
    if (queueStepMs > 0 && queueStage >= 0 && queueStage < QUEUE.length - 1) {
      queueTimer = setTimeout(() => {
        queueTimer = undefined;
        advanceQueue();
      }, queueStepMs);
    }
  }

  function nobodyAvailable(): void {
    stopQueueClock();
    queueStage = -1;
    addNotice(
      backendInfo.capabilities.leaveMessage ? "notice-nobody-available-leave-message" : "notice-nobody-available",
    );
    emit({ kind: "handoffChanged", handoff: { state: "unavailable" } });
  }

  function advanceQueue(): void {
    if (queueStage < 0 || queueStage >= QUEUE.length - 1) {
      return;
    }
    if (afterHours) {
      nobodyAvailable();
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

  /** Like the engine: the service confirms a left message with a reference. */
  function confirmLeft(left: LeftMessage): void {
    references += 1;
    const reference = `FAKE-${String(references).padStart(4, "0")}`;
    const number = left.phone?.trim() ?? "";
    // A call back without a time has an empty one.
    const time = left.preferredTime?.trim() ?? "";
    // Like the engine: what was left is in the transcript, as the user's own words.
    if (left.text.trim() !== "") {
        emit({
          kind: "messageAdded",
          message: { id: newId(), author: { kind: "user" }, body: { kind: "text", text: left.text.trim() }, sentAt: Date.now(), delivery: "sent" },
        });
    }
    if (number === "") {
      addNotice("notice-message-left", { reference });
    } else {
      addNotice("notice-callback-requested", { reference, phone: number, time });
    }
    if (handoff.state === "unavailable" || handoff.state === "messageQueued" || handoff.state === "none") {
      emit({ kind: "handoffChanged", handoff: { state: "messageLeft", reference, callback: number !== "" } });
    }
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
      // Messages left while offline go out now, once.
      for (const left of queuedLeft.splice(0)) {
        leftMessages.push(left);
        confirmLeft(left);
      }
      // A request made while offline goes out now.
      scheduleQueueStep();
    } else if (queueStage === 0) {
      stopQueueClock();
    }
  }

  /** The button, or the words: "转人工", "I want a person", "I was scammed". */
  function askForPerson(...notices: string[]): void {
    if (handoff.state === "requested" || handoff.state === "queued" || handoff.state === "connected") {
      // One press is enough.
      return;
    }
    setPersonOffered(false);
    queueStage = 0;
    const first = QUEUE[0];
    if (first) {
      emit({ kind: "handoffChanged", handoff: first });
    }
    for (const notice of notices) {
      addNotice(notice);
    }
    scheduleQueueStep();
  }

  function reject(error: unknown): Promise<never> {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  messages.push(...fakeHistory(readNumber(params, "history", 0), newId));
  if (params.get("welcome") !== "0") {
    addMessage(BOT, WELCOME);
  }

  const voice = createFakeVoice(params, () => replyDelayMs);
  // Pressing the microphone stops reading, as in the app.
  const { readAloud, voiceApi } = withFakeReadAloud(params, messages, voice);
  const settings = createFakeSettingsService(params);

  const control: FakeControl = {
    voice: voice.control,
    readAloud: readAloud.control,
    settings: settings.control,
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
    switchEngine(next = []) {
      stopQueueClock();
      queueStage = -1;
      epoch += 1;
      seq = 0;
      messages.splice(0, messages.length, ...clone(next));
      handoff = { state: "none" };
      typing = null;
      personOffered = false;
      draft = "";
    },
    setQueueSpeed(stepMs) {
      queueStepMs = Math.max(0, stepMs);
      scheduleQueueStep();
    },
    advanceQueue,
    setReplyDelay(ms) {
      replyDelayMs = Math.max(0, ms);
    },
    setAfterHours(on) {
      afterHours = on;
    },
    releaseSnapshot() {
      releaseHeldSnapshot?.();
    },
    releaseAppInfo() {
      releaseHeldAppInfo?.();
    },
    sentTexts,
    leftMessages,
    retriedIds,
    snapshotCalls: () => snapshotCalls,
    savedDraft: () => draft,
    callCount: (command) => calls.get(command) ?? 0,
    listenerCount: () => listeners.size,
    state: () => ({
      epoch,
      seq,
      backend: clone(backendInfo),
      messages: clone(messages),
      hasOlder: false,
      handoff: clone(handoff),
      connection,
      typing,
      personOffered,
      draft,
    }),
  };
  window.__warmlineFake = control;

  const conversation: ConversationService = {
    async snapshot(): Promise<ConversationSnapshot> {
      snapshotCalls += 1;
      await snapshotGate;
      takeFailure("snapshot");
      return recentSnapshot(control.state());
    },
    olderMessages(before: MessageId, limit: number): Promise<MessagePage> {
      return Promise.resolve(olderPage(messages, before, limit));
    },
    sendMessage(text: string): Promise<MessageId> {
      try {
        if (text.trim() === "") {
          throw new WarmlineError({ code: "emptyMessage", messageId: "error-empty-message", args: {} });
        }
        takeFailure("sendMessage");
      } catch (error) {
        return reject(error);
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
      if (frustration.userWrote(text) === "offer") {
        // Asking the same thing again means the answer did not help.
        offerPerson();
      }
      // The words are as good as the button; the message still goes out.
      const notices = noticesForWords(text);
      if (notices.length > 0) {
        askForPerson(...notices);
      }
      if (handoff.state === "connected") {
        reply({ kind: "agent", name: handoff.agentName, demo: handoff.demo }, AGENT_REPLY);
      } else if (handoff.state === "none" || handoff.state === "unavailable" || handoff.state === "messageLeft") {
        botAnswer(text);
      }
      // While waiting for a person the bot stays quiet; the words wait for the agent.
      return Promise.resolve(id);
    },
    requestPerson(): Promise<void> {
      try {
        takeFailure("requestPerson");
      } catch (error) {
        return reject(error);
      }
      askForPerson("notice-person-requested");
      return Promise.resolve();
    },
    cancelPerson(): Promise<void> {
      try {
        takeFailure("cancelPerson");
      } catch (error) {
        return reject(error);
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
    retryMessage(id: MessageId): Promise<void> {
      try {
        takeFailure("retryMessage");
      } catch (error) {
        return reject(error);
      }
      const message = messages.find((m) => m.id === id);
      if (message?.delivery !== "failed") {
        return Promise.resolve();
      }
      retriedIds.push(id);
      emit({ kind: "deliveryChanged", id, delivery: "sending" });
      const offline = connection !== "online";
      later(() => {
        emit({ kind: "deliveryChanged", id, delivery: offline ? "willRetry" : "sent" });
      }, replyDelayMs / 2);
      return Promise.resolve();
    },
    saveDraft(text: string): Promise<void> {
      draft = text;
      return Promise.resolve();
    },
    leaveMessage(text: string, phone: string | null, preferredTime: string | null): Promise<void> {
      const body = text.trim();
      const number = phone?.trim() ?? "";
      try {
        takeFailure("leaveMessage");
        if (!backendInfo.capabilities.leaveMessage) {
          throw new WarmlineError({ code: "unsupported", messageId: "error-unsupported", args: {} });
        }
        if (body === "" && number === "") {
          throw new WarmlineError({ code: "emptyMessage", messageId: "error-empty-message", args: {} });
        }
      } catch (error) {
        return reject(error);
      }
      if (connection !== "online") {
        // Like the engine: kept, said so, and passed on when the connection returns.
        queuedLeft.push({ text, phone, preferredTime });
        addNotice(number === "" ? "notice-message-queued" : "notice-callback-queued");
        emit({ kind: "handoffChanged", handoff: { state: "messageQueued", callback: number !== "" } });
        return Promise.resolve();
      }
      leftMessages.push({ text, phone, preferredTime });
      // Resolves once "the service" confirmed, after the confirmation events.
      return new Promise((resolve) => {
        later(() => {
          confirmLeft({ text, phone, preferredTime });
          setTimeout(resolve, 0);
        });
      });
    },
    onEvent(callback): Promise<Unsubscribe> {
      listeners.add(callback);
      return Promise.resolve(() => {
        listeners.delete(callback);
      });
    },
  };

  return {
    async appInfo(): Promise<AppInfo> {
      await appInfoGate;
      return { locale, version: "0.0.0-fake" };
    },
    conversation,
    voice: voiceApi,
    readAloud: readAloud.api,
    settings,
  };
}
