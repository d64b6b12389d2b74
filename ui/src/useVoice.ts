import { useCallback, useEffect, useReducer, useRef } from "preact/hooks";
import { toDisplayError, type ConversationService, type VoiceService } from "./backend/types";
import { initialVoiceView, insertRecognized, reduceVoice, type VoiceView } from "./voice";

/** What a press of the microphone says while there is no usable speech model. */
export const NO_MODEL_PRESSED = { messageId: "voice-pressed-no-model", args: {} };

/**
 * Voice input for the window: follows the engine's voice events, and puts
 * recognized words into the text box (after whatever is typed there), or
 * sends them at once when a caregiver chose so and the box was empty.
 */
export function useVoice(
  service: VoiceService,
  conversation: ConversationService,
  draftRef: { readonly current: string },
  setDraft: (update: (draft: string) => string) => void,
  afterInsert: () => void,
): { voice: VoiceView; press: () => void; download: () => void; wordsSent: () => void } {
  const [voice, dispatch] = useReducer(reduceVoice, initialVoiceView);
  const voiceRef = useRef(voice);
  voiceRef.current = voice;

  useEffect(() => {
    let disposed = false;
    // Read through a function: the subscription may be torn down while a
    // call is awaited.
    const isDisposed = (): boolean => disposed;
    let unsubscribe: (() => void) | null = null;

    async function onFinal(text: string): Promise<void> {
      const sendAtOnce = voiceRef.current.status?.sendAtOnce === true;
      if (sendAtOnce && draftRef.current.trim() === "") {
        try {
          await conversation.sendMessage(text);
          dispatch({ type: "outcome", outcome: { kind: "doneSent" } });
          return;
        } catch (reason) {
          // Not sent: the words go into the text box instead of being lost.
          setDraft((draft) => insertRecognized(draft, text));
          dispatch({ type: "outcome", outcome: { kind: "error", error: toDisplayError(reason) } });
          afterInsert();
          return;
        }
      }
      setDraft((draft) => insertRecognized(draft, text));
      dispatch({ type: "outcome", outcome: { kind: "done" } });
      afterInsert();
    }

    async function start(): Promise<void> {
      const stop = await service.onEvent((update) => {
        dispatch({ type: "update", update });
        if (update.kind === "final") {
          void onFinal(update.text);
        }
      });
      if (disposed) {
        stop();
        return;
      }
      unsubscribe = stop;
      const status = await service.status();
      if (!isDisposed()) {
        dispatch({ type: "status", status });
      }
    }
    // Without voice the window still works fully by typing.
    start().catch(() => undefined);
    return () => {
      disposed = true;
      unsubscribe?.();
    };
  }, [service, conversation, draftRef, setDraft, afterInsert]);

  const press = useCallback(() => {
    const phase = voiceRef.current.status?.phase ?? "idle";
    const model = voiceRef.current.status?.model.state;
    if (phase === "idle" && (model === "missing" || model === "corrupt")) {
      // Every press answers: in words, what is missing and what to do.
      dispatch({ type: "outcome", outcome: { kind: "error", error: NO_MODEL_PRESSED } });
      return;
    }
    const call = phase === "listening" ? service.stopDictation() : service.startDictation();
    call.catch((reason: unknown) => {
      dispatch({ type: "outcome", outcome: { kind: "error", error: toDisplayError(reason) } });
    });
  }, [service]);

  const download = useCallback(() => {
    dispatch({ type: "outcome", outcome: null });
    service.downloadModel().catch((reason: unknown) => {
      dispatch({ type: "outcome", outcome: { kind: "error", error: toDisplayError(reason) } });
    });
  }, [service]);

  // "Your words are in the text box. Check them, then press Send." is
  // wrong once they are sent: the line goes with them.
  const wordsSent = useCallback(() => {
    if (voiceRef.current.outcome?.kind === "done") {
      dispatch({ type: "outcome", outcome: null });
    }
  }, []);

  return { voice, press, download, wordsSent };
}
