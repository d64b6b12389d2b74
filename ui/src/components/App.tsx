import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { isUiError, toDisplayError, type DisplayError, type WarmlineBackend } from "../backend/types";
import { handoffAttribute, isWaitingForPerson } from "../conversation";
import type { Localizer } from "../i18n";
import { useConversation } from "../useConversation";
import { Composer } from "./Composer";
import { HandoffStatus } from "./HandoffStatus";
import { EMPTY_LEAVE_MESSAGE, LeaveMessageForm, type LeaveMessageFields } from "./LeaveMessageForm";
import { Transcript } from "./Transcript";
import { VoiceButton, VoiceStatusLine } from "./VoiceInput";
import { useVoice } from "../useVoice";

const EMPTY_MESSAGE_ERROR = { messageId: "error-empty-message", args: {} };

/** Quiet time after the last key press before the draft is saved. */
const DRAFT_SAVE_DELAY_MS = 400;

/**
 * Restores the draft the engine kept (after a crash or a restart) into an
 * empty text box, then saves the draft shortly after each change, and at
 * once when the window is hidden or closed.
 */
function useDraftKeeping(
  backend: WarmlineBackend,
  loaded: boolean,
  savedDraft: string,
  draft: string,
  setDraft: (draft: string) => void,
): void {
  const restoredRef = useRef(false);
  const lastSavedRef = useRef<string | null>(null);
  useEffect(() => {
    if (loaded && !restoredRef.current) {
      restoredRef.current = true;
      lastSavedRef.current = savedDraft;
      if (draft === "" && savedDraft !== "") {
        setDraft(savedDraft);
      }
    }
  }, [loaded, savedDraft, draft, setDraft]);
  useEffect(() => {
    if (!restoredRef.current || lastSavedRef.current === draft) {
      return undefined;
    }
    const save = (): void => {
      lastSavedRef.current = draft;
      // A failed save is reported by the engine itself (storage-failed);
      // the text stays in the box either way.
      backend.saveDraft(draft).catch(() => undefined);
    };
    const timer = setTimeout(save, DRAFT_SAVE_DELAY_MS);
    const onHide = (): void => {
      if (document.visibilityState === "hidden") {
        clearTimeout(timer);
        save();
      }
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", save);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", save);
    };
  }, [backend, draft]);
}

export function App({ backend, t }: { backend: WarmlineBackend; t: Localizer }) {
  const [view, dispatch] = useConversation(backend);
  const [draft, setDraft] = useState("");
  const sendingRef = useRef(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const personRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const cancelHadFocusRef = useRef(false);
  const panelRef = useRef<HTMLDivElement>(null);
  const leaveTextRef = useRef<HTMLTextAreaElement>(null);
  const leaveErrorRef = useRef<HTMLDivElement>(null);
  const leavingRef = useRef(false);
  // The leave-a-message form lives here, not in the form, so that nothing
  // typed is lost when the form is hidden and shown again.
  const [leaveFields, setLeaveFields] = useState<LeaveMessageFields>(EMPTY_LEAVE_MESSAGE);
  const [leaveBusy, setLeaveBusy] = useState(false);
  const [leaveError, setLeaveError] = useState<{ error: DisplayError; retry: boolean } | null>(null);

  useDraftKeeping(backend, view.loaded, view.savedDraft, draft, setDraft);

  const draftRef = useRef(draft);
  draftRef.current = draft;
  const micRef = useRef<HTMLButtonElement>(null);
  // Recognized words go into the text box; the focus follows them there,
  // with the caret at the end, ready to edit or send.
  const afterVoiceInsert = useCallback(() => {
    requestAnimationFrame(() => {
      const input = inputRef.current;
      if (input) {
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
      }
    });
  }, []);
  const { voice, press: pressMic, download: downloadModel } = useVoice(backend, draftRef, setDraft, afterVoiceInsert);

  const waiting = view.loaded && isWaitingForPerson(view.handoff);
  const offered = view.loaded && view.personOffered;
  const canLeaveMessage = view.backend?.capabilities.leaveMessage === true;
  const showLeaveMessage = view.loaded && view.handoff.state === "unavailable" && canLeaveMessage;

  const send = useCallback(async () => {
    if (sendingRef.current) {
      return;
    }
    const typed = inputRef.current?.value ?? draft;
    const text = typed.trim();
    if (text === "") {
      dispatch({ type: "showError", error: EMPTY_MESSAGE_ERROR });
      return;
    }
    sendingRef.current = true;
    try {
      await backend.sendMessage(text);
      dispatch({ type: "clearError" });
      // Clear only what was sent: words typed meanwhile stay.
      setDraft((current) => (current === typed ? "" : current.startsWith(typed) ? current.slice(typed.length) : current));
      inputRef.current?.focus();
    } catch (reason) {
      // The draft stays exactly as it was.
      dispatch({ type: "showError", error: toDisplayError(reason) });
    } finally {
      sendingRef.current = false;
    }
  }, [backend, dispatch, draft]);

  const requestPerson = useCallback(async () => {
    try {
      await backend.requestPerson();
      dispatch({ type: "clearError" });
    } catch (reason) {
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
  }, [backend, dispatch]);

  const cancelPerson = useCallback(async () => {
    try {
      await backend.cancelPerson();
      dispatch({ type: "clearError" });
    } catch (reason) {
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
  }, [backend, dispatch]);

  const leaveMessage = useCallback(async () => {
    if (leavingRef.current) {
      return;
    }
    const text = leaveFields.text.trim();
    const phone = leaveFields.phone.trim();
    const time = leaveFields.time.trim();
    if (text === "" && phone === "") {
      setLeaveError({ error: EMPTY_MESSAGE_ERROR, retry: false });
      leaveTextRef.current?.focus();
      return;
    }
    leavingRef.current = true;
    setLeaveBusy(true);
    setLeaveError(null);
    try {
      // A time means something only with a phone number to call.
      await backend.leaveMessage(text, phone === "" ? null : phone, phone === "" || time === "" ? null : time);
      setLeaveFields(EMPTY_LEAVE_MESSAGE);
      // The form goes away; the panel says it worked, with the reference.
      panelRef.current?.focus();
    } catch (reason) {
      // Everything typed stays in the form; the error is brought into view
      // (the form may scroll in a small window).
      const retry = !(isUiError(reason) && reason.code === "emptyMessage");
      setLeaveError({ error: toDisplayError(reason), retry });
      requestAnimationFrame(() => {
        leaveErrorRef.current?.scrollIntoView({ block: "nearest" });
      });
    } finally {
      leavingRef.current = false;
      setLeaveBusy(false);
    }
  }, [backend, leaveFields]);

  // When the Cancel button disappears while it has the focus, the focus goes
  // to the person button next to it instead of getting lost.
  useEffect(() => {
    function onFocusIn(event: FocusEvent): void {
      cancelHadFocusRef.current = event.target !== null && event.target === cancelRef.current;
    }
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("focusin", onFocusIn);
    };
  }, []);
  useLayoutEffect(() => {
    if (!waiting && cancelHadFocusRef.current) {
      cancelHadFocusRef.current = false;
      const active = document.activeElement;
      if (active === null || active === document.body) {
        personRef.current?.focus();
      }
    }
  }, [waiting]);

  const demo = view.backend?.demo === true;

  return (
    <div
      id="app"
      class="app"
      data-handoff-state={handoffAttribute(view.handoff)}
      data-connection={view.connection}
      data-loaded={view.loaded ? "true" : "false"}
    >
      <header class="topbar">
        <h1 class="topbar__title">{t.format("app-title")}</h1>
        <div class="topbar__actions">
          {/* One press, in every state. While Warmline offers a person it
              stands out by its frame and a word, not by colour alone. */}
          <button
            id="person-button"
            ref={personRef}
            class={`button button--person${offered ? " button--offered" : ""}`}
            type="button"
            data-offered={offered ? "true" : "false"}
            onClick={() => void requestPerson()}
          >
            {offered && <span class="button__badge">{t.format("person-button-suggested")}</span>}
            <span class="button__label">{t.format("person-button")}</span>
          </button>
          {waiting && (
            <button
              id="person-cancel-button"
              ref={cancelRef}
              class="button button--cancel"
              type="button"
              onClick={() => void cancelPerson()}
            >
              {t.format("person-cancel-button")}
            </button>
          )}
        </div>
      </header>
      {demo && (
        <p id="demo-banner" class="demo-banner">
          {t.format("demo-banner")}
        </p>
      )}
      <HandoffStatus
        loaded={view.loaded}
        handoff={view.handoff}
        context={{ connection: view.connection, canLeaveMessage }}
        t={t}
        panelRef={panelRef}
      >
        {showLeaveMessage && (
          <LeaveMessageForm
            fields={leaveFields}
            onFields={setLeaveFields}
            onSubmit={() => void leaveMessage()}
            busy={leaveBusy}
            error={leaveError?.error ?? null}
            retry={leaveError?.retry ?? false}
            textRef={leaveTextRef}
            errorRef={leaveErrorRef}
            t={t}
          />
        )}
      </HandoffStatus>
      <Transcript messages={view.messages} t={t} />
      <p id="typing-indicator" class="typing" aria-live="polite">
        {view.typing !== null ? t.format("typing", { name: view.typing }) : ""}
      </p>
      <div id="alert" class="alert" role="alert">
        {view.error && <p class="alert__text">{t.format(view.error.messageId, view.error.args)}</p>}
      </div>
      <Composer
        draft={draft}
        onDraft={setDraft}
        onSend={() => void send()}
        inputRef={inputRef}
        voiceButton={<VoiceButton voice={voice} onPress={pressMic} buttonRef={micRef} t={t} />}
        voiceStatus={<VoiceStatusLine voice={voice} onDownload={downloadModel} t={t} />}
        t={t}
      />
    </div>
  );
}
