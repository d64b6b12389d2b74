// The in-browser stand-in for read-aloud (see fake.ts): "reading" lasts a
// set time per character, so a test can see "Stop reading" come and go.
//
// Query parameters (all optional):
//   speech=none        this computer has no speech engine
//   readMsPerChar=N    how long "reading" takes per character (default 60)
import type { MessageId, UiError } from "../bindings";
import { WarmlineError, type ReadAloudService, type Unsubscribe } from "./types";

export interface FakeReadAloudControl {
  /** The messages "Read aloud again" was pressed on, in order. */
  readonly readIds: MessageId[];
  /** How often "Stop reading" was pressed. */
  stopCalls(): number;
  /** True while "reading". */
  reading(): boolean;
  /** Reading starts or ends as if the engine did it (a reply read by itself). */
  setReading(reading: boolean): void;
}

const NO_ENGINE: UiError = { code: "noSpeechEngine", messageId: "speech-no-engine", args: {} };
const LISTENING: UiError = { code: "speechWhileListening", messageId: "speech-while-listening", args: {} };

/**
 * A fake read-aloud. `textOf` finds a reply's text (undefined: the user's
 * own message or none); `listening` says whether the microphone is open.
 */
export function createFakeReadAloud(
  params: URLSearchParams,
  textOf: (id: MessageId) => string | undefined,
  listening: () => boolean,
) {
  const noEngine = params.get("speech") === "none";
  const perChar = Number(params.get("readMsPerChar") ?? "60") || 60;
  let reading = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stops = 0;
  const readIds: MessageId[] = [];
  const listeners = new Set<(reading: boolean) => void>();

  function setReading(next: boolean): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (reading === next) {
      return;
    }
    reading = next;
    setTimeout(() => {
      for (const listener of listeners) listener(next);
    }, 0);
  }

  const control: FakeReadAloudControl = {
    readIds,
    stopCalls: () => stops,
    reading: () => reading,
    setReading,
  };

  const api: ReadAloudService = {
    readAgain(id) {
      readIds.push(id);
      if (noEngine) {
        return Promise.reject(new WarmlineError(NO_ENGINE));
      }
      if (listening()) {
        return Promise.reject(new WarmlineError(LISTENING));
      }
      const text = textOf(id);
      if (text === undefined) {
        return Promise.reject(new WarmlineError({ code: "nothingToRead", messageId: "speech-nothing-to-read", args: {} }));
      }
      setReading(true);
      timer = setTimeout(() => {
        setReading(false);
      }, text.length * perChar);
      return Promise.resolve();
    },
    stop() {
      stops += 1;
      setReading(false);
      return Promise.resolve();
    },
    reading: () => Promise.resolve(reading),
    onReading(callback): Promise<Unsubscribe> {
      listeners.add(callback);
      return Promise.resolve(() => {
        listeners.delete(callback);
      });
    },
  };
  return { api, control };
}
