// The in-browser stand-in for voice input (see fake.ts). Recognition is
// scripted: the test says what the "user said" with setSpeech().
//
// Query parameters (all optional):
//   voiceModel=missing|corrupt|ready   the speech model's state (default ready)
//   voiceSendAtOnce=1                  the caregiver's "send at once" setting
import type { DictationPhase, UiError, VoiceModelState, VoiceUiStatus, VoiceUpdate } from "../bindings";
import { WarmlineError, type Unsubscribe, type VoiceService } from "./types";

export interface FakeVoiceControl {
  /** What the next dictation recognizes; "" means nothing was heard. */
  setSpeech(text: string): void;
  /** The next startDictation() rejects with `error`. */
  failNextStart(error: UiError): void;
  /** The microphone fails while listening (e.g. unplugged). */
  failWhileListening(error: UiError): void;
  setModel(model: VoiceModelState): void;
  /** Sends a partial result, as if the user were still speaking. */
  partial(text: string): void;
  /** Finishes the download at once. */
  finishDownload(): void;
  status(): VoiceUiStatus;
  startCalls(): number;
}

const MODEL_MEGABYTES = 148;

function readModel(raw: string | null): VoiceModelState {
  if (raw === "missing") {
    return { state: "missing", megabytes: MODEL_MEGABYTES };
  }
  if (raw === "corrupt") {
    return { state: "corrupt", megabytes: MODEL_MEGABYTES };
  }
  return { state: "ready" };
}

export function createFakeVoice(params: URLSearchParams, stepMs: () => number) {
  let model = readModel(params.get("voiceModel"));
  let phase: DictationPhase = "idle";
  const sendAtOnce = params.get("voiceSendAtOnce") === "1";
  let speech = "Where is my parcel?";
  let startFailure: UiError | null = null;
  let startCalls = 0;
  let levelTimer: ReturnType<typeof setInterval> | undefined;
  let downloadTimer: ReturnType<typeof setInterval> | undefined;
  const listeners = new Set<(update: VoiceUpdate) => void>();

  function status(): VoiceUiStatus {
    return { model: structuredClone(model), phase, sendAtOnce };
  }

  function send(update: VoiceUpdate): void {
    setTimeout(() => {
      for (const listener of listeners) {
        listener(structuredClone(update));
      }
    }, 0);
  }

  function setPhase(next: DictationPhase): void {
    phase = next;
    send({ kind: "status", status: status() });
  }

  function stopLevels(): void {
    if (levelTimer !== undefined) {
      clearInterval(levelTimer);
      levelTimer = undefined;
    }
  }

  function finishDownload(): void {
    if (downloadTimer !== undefined) {
      clearInterval(downloadTimer);
      downloadTimer = undefined;
    }
    model = { state: "ready" };
    send({ kind: "status", status: status() });
  }

  const control: FakeVoiceControl = {
    setSpeech(text) {
      speech = text;
    },
    failNextStart(error) {
      startFailure = error;
    },
    failWhileListening(error) {
      if (phase !== "listening") {
        return;
      }
      stopLevels();
      setPhase("working");
      // What was heard before the failure is still recognized and kept.
      const heard = speech;
      setTimeout(() => {
        if (heard !== "") {
          send({ kind: "final", text: heard });
        }
        send({ kind: "failed", error });
        setPhase("idle");
      }, stepMs());
    },
    setModel(next) {
      model = next;
      send({ kind: "status", status: status() });
    },
    partial(text) {
      send({ kind: "partial", text });
    },
    finishDownload,
    status,
    startCalls: () => startCalls,
  };

  const api: VoiceService = {
    status(): Promise<VoiceUiStatus> {
      return Promise.resolve(status());
    },
    startDictation(): Promise<void> {
      startCalls += 1;
      if (startFailure !== null) {
        const error = startFailure;
        startFailure = null;
        return Promise.reject(new WarmlineError(error));
      }
      if (model.state !== "ready") {
        return Promise.reject(
          new WarmlineError({
            code: model.state === "corrupt" ? "speechModelCorrupt" : "noSpeechModel",
            messageId: model.state === "corrupt" ? "voice-error-model-corrupt" : "voice-error-no-model",
            args: {},
          }),
        );
      }
      if (phase !== "idle") {
        return Promise.resolve();
      }
      setPhase("listening");
      let tick = 0;
      levelTimer = setInterval(() => {
        tick += 1;
        send({ kind: "level", level: 0.2 + 0.6 * Math.abs(Math.sin(tick / 3)) });
      }, 50);
      return Promise.resolve();
    },
    stopDictation(): Promise<void> {
      if (phase !== "listening") {
        return Promise.resolve();
      }
      stopLevels();
      setPhase("working");
      setTimeout(() => {
        send(speech === "" ? { kind: "nothingHeard" } : { kind: "final", text: speech });
        setPhase("idle");
      }, stepMs());
      return Promise.resolve();
    },
    downloadModel(): Promise<void> {
      if (model.state === "ready" || model.state === "downloading") {
        return Promise.resolve();
      }
      let percent = 0;
      model = { state: "downloading", percent };
      send({ kind: "status", status: status() });
      downloadTimer = setInterval(() => {
        percent += 10;
        if (percent >= 100) {
          finishDownload();
          return;
        }
        model = { state: "downloading", percent };
        send({ kind: "status", status: status() });
      }, Math.max(stepMs(), 20));
      return Promise.resolve();
    },
    onEvent(callback: (update: VoiceUpdate) => void): Promise<Unsubscribe> {
      listeners.add(callback);
      return Promise.resolve(() => {
        listeners.delete(callback);
      });
    },
  };
  return { api, control };
}
