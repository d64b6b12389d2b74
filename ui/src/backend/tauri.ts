// The only module that talks to Tauri: it adapts the tauri-specta bindings
// (result objects, Tauri events) to the window's services (WarmlineBackend).
import type { Event } from "@tauri-apps/api/event";
import { commands, events } from "../bindings";
import type { ConversationEvent, UiError, VoiceUpdate } from "../bindings";
import { createTauriSettingsService } from "./tauriSettings";
import {
  WarmlineError,
  isUiError,
  type ConversationService,
  type ReadAloudService,
  type Unsubscribe,
  type VoiceService,
  type WarmlineBackend,
} from "./types";

/** What every fallible tauri-specta command resolves with. */
type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };

function unwrap<T>(result: CommandResult<T>): T {
  if (result.status === "ok") {
    return result.data;
  }
  // The bindings cast whatever the command rejected with to UiError; a
  // string or a malformed object still reaches the window as an error
  // (shown as error-unknown).
  const error: unknown = result.error;
  if (isUiError(error)) {
    throw new WarmlineError(error);
  }
  throw new Error("malformed command error", { cause: error });
}

/** Turns a typed Tauri event into the window's subscription shape. */
async function listen<T>(
  event: { listen(handler: (event: Event<T>) => void): Promise<() => void> },
  callback: (payload: T) => void,
): Promise<Unsubscribe> {
  const unlisten = await event.listen((received) => {
    callback(received.payload);
  });
  return () => {
    unlisten();
  };
}

function createConversationService(): ConversationService {
  return {
    snapshot: async () => unwrap(await commands.conversationSnapshot()),
    olderMessages: async (before, limit) => unwrap(await commands.olderMessages(before, limit)),
    sendMessage: async (text) => unwrap(await commands.sendMessage(text)),
    requestPerson: async () => {
      unwrap(await commands.requestPerson());
    },
    cancelPerson: async () => {
      unwrap(await commands.cancelPerson());
    },
    saveDraft: async (text) => {
      unwrap(await commands.saveDraft(text));
    },
    retryMessage: async (id) => {
      unwrap(await commands.retryMessage(id));
    },
    leaveMessage: async (text, phone, preferredTime) => {
      unwrap(await commands.leaveMessage(text, phone, preferredTime));
    },
    onEvent: (callback) => listen<ConversationEvent>(events.conversationUpdate, callback),
  };
}

function createVoiceService(): VoiceService {
  return {
    status: () => commands.voiceStatus(),
    startDictation: async () => {
      unwrap(await commands.startDictation());
    },
    stopDictation: async () => {
      unwrap(await commands.stopDictation());
    },
    downloadModel: async () => {
      unwrap(await commands.downloadSpeechModel());
    },
    onEvent: (callback) => listen<VoiceUpdate>(events.voiceUpdate, callback),
  };
}

function createReadAloudService(): ReadAloudService {
  return {
    readAgain: async (id) => {
      unwrap(await commands.readAloudAgain(id));
    },
    stop: async () => {
      unwrap(await commands.stopReading());
    },
    reading: () => commands.readingStatus(),
    onReading: (callback) =>
      listen(events.readingUpdate, (update) => {
        callback(update.reading);
      }),
  };
}

export function createTauriBackend(): WarmlineBackend {
  return {
    appInfo: () => commands.appInfo(),
    conversation: createConversationService(),
    voice: createVoiceService(),
    readAloud: createReadAloudService(),
    settings: createTauriSettingsService(),
  };
}
