import type { Dispatch } from "preact/hooks";
import { useCallback, useRef } from "preact/hooks";
import type { MessageId } from "../bindings";
import { toDisplayError, type WarmlineBackend } from "../backend/types";
import { Composer } from "../components/Composer";
import { HandoffStatus } from "../components/HandoffStatus";
import { LeaveMessageForm } from "../components/LeaveMessageForm";
import { Transcript } from "../components/Transcript";
import { VoiceButton, VoiceStatusLine } from "../components/VoiceInput";
import { isWaitingForPerson, type ConversationAction, type ConversationView } from "../conversation";
import type { Localizer } from "../i18n";
import { useDraft } from "../useDraft";
import { useFocusFallback } from "../useFocusFallback";
import { useLeaveMessage } from "../useLeaveMessage";
import { useVoice } from "../useVoice";

const EMPTY_MESSAGE_ERROR = { messageId: "error-empty-message", args: {} };

/**
 * The elder's screen: the person button, the status of a request for a
 * person (with the leave-a-message form when nobody is available), the
 * conversation and the text box with the microphone and Send. The
 * conversation itself (`view`) is followed by the app, so it is current
 * whatever screen is shown.
 */
export function ChatScreen(props: {
  backend: WarmlineBackend;
  view: ConversationView;
  dispatch: Dispatch<ConversationAction>;
  t: Localizer;
}) {
  const { backend, view, dispatch, t } = props;
  const conversation = backend.conversation;
  const [draft, setDraft] = useDraft(conversation, view.loaded, view.savedDraft);
  const sendingRef = useRef(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const personRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const micRef = useRef<HTMLButtonElement>(null);

  // The form goes away once the message was left; the panel says it worked,
  // with the reference.
  const focusPanel = useCallback(() => {
    panelRef.current?.focus();
  }, []);
  const leave = useLeaveMessage(conversation, focusPanel);

  const draftRef = useRef(draft);
  draftRef.current = draft;
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
  const {
    voice,
    press: pressMic,
    download: downloadModel,
  } = useVoice(backend.voice, conversation, draftRef, setDraft, afterVoiceInsert);

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
      await conversation.sendMessage(text);
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
  }, [conversation, dispatch, draft, setDraft]);

  const requestPerson = useCallback(async () => {
    try {
      await conversation.requestPerson();
      dispatch({ type: "clearError" });
    } catch (reason) {
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
  }, [conversation, dispatch]);

  const retryMessage = useCallback(
    async (id: MessageId) => {
      try {
        await conversation.retryMessage(id);
        dispatch({ type: "clearError" });
      } catch (reason) {
        dispatch({ type: "showError", error: toDisplayError(reason) });
      }
    },
    [conversation, dispatch],
  );
  const retry = useCallback(
    (id: MessageId) => {
      void retryMessage(id);
    },
    [retryMessage],
  );

  const cancelPerson = useCallback(async () => {
    try {
      await conversation.cancelPerson();
      dispatch({ type: "clearError" });
    } catch (reason) {
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
  }, [conversation, dispatch]);

  // When the Cancel button disappears while it has the focus, the focus goes
  // to the person button next to it instead of getting lost.
  useFocusFallback(waiting, cancelRef, personRef);

  const demo = view.backend?.demo === true;

  return (
    <div class="chat">
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
            fields={leave.fields}
            onFields={leave.setFields}
            onSubmit={leave.submit}
            busy={leave.busy}
            error={leave.failure?.error ?? null}
            retry={leave.failure?.retry ?? false}
            textRef={leave.textRef}
            errorRef={leave.errorRef}
            t={t}
          />
        )}
      </HandoffStatus>
      <Transcript messages={view.messages} t={t} onRetry={retry} />
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
