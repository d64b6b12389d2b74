import type { ComponentChildren } from "preact";
import type { Dispatch } from "preact/hooks";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { MessageId } from "../bindings";
import { toDisplayError, type DisplayError, type WarmlineBackend } from "../backend/types";
import { Composer } from "../components/Composer";
import { HandoffStatus, type PersonAnswer } from "../components/HandoffStatus";
import { LeaveMessageForm } from "../components/LeaveMessageForm";
import { Transcript } from "../components/Transcript";
import { VoiceButton, VoiceStatusLine } from "../components/VoiceInput";
import { isWaitingForPerson, type ConversationAction, type ConversationView } from "../conversation";
import type { Localizer } from "../i18n";
import { useDraft } from "../useDraft";
import { useFocusFallback } from "../useFocusFallback";
import { useLeaveMessage } from "../useLeaveMessage";
import { useOlderMessages } from "../useConversation";
import { useReadAloud } from "../useReadAloud";
import { useVoice } from "../useVoice";

const EMPTY_MESSAGE_ERROR = { messageId: "error-empty-message", args: {} };

const VOICE_NOTICE_KEY = "warmline.voiceNoticeHidden";

/** The user hid the short no-model notice once; it stays hidden after a restart. */
function readVoiceNoticeHidden(): boolean {
  try {
    return localStorage.getItem(VOICE_NOTICE_KEY) === "1";
  } catch {
    return false;
  }
}

function rememberVoiceNoticeHidden(): void {
  try {
    localStorage.setItem(VOICE_NOTICE_KEY, "1");
  } catch {
    // Hidden for this run only.
  }
}

/** The performance mark set once the text box first accepts typing. */
const INTERACTIVE_MARK = "warmline-interactive";

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
  /** Why the caregiver's settings file was not used (a Fluent id), if so. */
  settingsProblem: string | null;
  /** The line under the text box (text size buttons, Settings). */
  footer: ComponentChildren;
}) {
  const { backend, view, dispatch, t } = props;
  const conversation = backend.conversation;
  const [draft, setDraft] = useDraft(conversation, view.loaded, view.savedDraft);
  const loadOlder = useOlderMessages(conversation, view, dispatch);
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
  const leaveTextRef = leave.textRef;

  const draftRef = useRef(draft);
  draftRef.current = draft;
  // Recognized words go into the text box; the focus follows them there,
  // with the caret at the end, ready to edit or send. It moves in the commit
  // that shows the words (a layout effect), so no observer ever sees the
  // words without the focus on them.
  const [voiceInserts, setVoiceInserts] = useState(0);
  const afterVoiceInsert = useCallback(() => {
    setVoiceInserts((count) => count + 1);
  }, []);
  useLayoutEffect(() => {
    const input = inputRef.current;
    if (voiceInserts > 0 && input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }, [voiceInserts]);
  const {
    voice,
    press: pressMic,
    download: downloadModel,
    wordsSent: voiceWordsSent,
  } = useVoice(backend.voice, conversation, draftRef, setDraft, afterVoiceInsert);

  const showError = useCallback(
    (error: DisplayError) => {
      dispatch({ type: "showError", error });
    },
    [dispatch],
  );
  const readAloud = useReadAloud(backend.readAloud, showError);

  const [voiceNoticeHidden, setVoiceNoticeHidden] = useState(readVoiceNoticeHidden);
  const hideVoiceNotice = useCallback(() => {
    setVoiceNoticeHidden(true);
    rememberVoiceNoticeHidden();
    inputRef.current?.focus();
  }, []);

  // The text box has the focus from the start: writing is what the window is for.
  const loaded = view.loaded;
  useEffect(() => {
    if (loaded) {
      inputRef.current?.focus();
      // When the window became usable, for the benchmark (tests/bench).
      if (performance.getEntriesByName(INTERACTIVE_MARK).length === 0) {
        performance.mark(INTERACTIVE_MARK);
      }
    }
  }, [loaded]);

  const waiting = view.loaded && isWaitingForPerson(view.handoff);
  const offered = view.loaded && view.personOffered;
  const canLeaveMessage = view.backend?.capabilities.leaveMessage === true;
  const handoffState = view.handoff.state;
  const canShowForm = view.loaded && view.handoff.state === "unavailable" && canLeaveMessage;
  // While the form is open it is the one place to write: the conversation
  // and its text box give it the window, and come back with one press.
  const [formClosed, setFormClosed] = useState(false);
  const showLeaveMessage = canShowForm && !formClosed;
  useEffect(() => {
    setFormClosed(false);
  }, [handoffState]);
  // The button pressed goes away with the form (or the conversation), so the
  // focus moves in the same commit that removes it: never a frame on the page
  // body, which a screen reader would announce as nothing at all.
  const focusAfterToggleRef = useRef(false);
  const backToConversation = useCallback(() => {
    focusAfterToggleRef.current = true;
    setFormClosed(true);
  }, []);
  const openForm = useCallback(() => {
    focusAfterToggleRef.current = true;
    setFormClosed(false);
  }, []);
  useLayoutEffect(() => {
    if (focusAfterToggleRef.current) {
      focusAfterToggleRef.current = false;
      (showLeaveMessage ? leaveTextRef.current : inputRef.current)?.focus();
    }
  }, [showLeaveMessage, leaveTextRef]);

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
      voiceWordsSent();
      // Clear only what was sent: words typed meanwhile stay.
      setDraft((current) => (current === typed ? "" : current.startsWith(typed) ? current.slice(typed.length) : current));
      inputRef.current?.focus();
    } catch (reason) {
      // The draft stays exactly as it was.
      dispatch({ type: "showError", error: toDisplayError(reason) });
    } finally {
      sendingRef.current = false;
    }
  }, [conversation, dispatch, draft, setDraft, voiceWordsSent]);

  // A request on its way: the state it was made in, until the state changes.
  // A second press meanwhile (a double click) must not ask twice.
  const [pendingFrom, setPendingFrom] = useState<string | null>(null);
  const [answer, setAnswer] = useState<PersonAnswer | null>(null);
  useEffect(() => {
    setPendingFrom(null);
  }, [handoffState]);
  // The answer stays while the request stands (its words follow the queue)
  // and goes once the user is with a person or the request ended.
  const phase = isWaitingForPerson(view.handoff) ? "waiting" : handoffState === "connected" ? "connected" : "other";
  useEffect(() => {
    setAnswer(null);
  }, [phase]);

  const requestPerson = useCallback(async () => {
    setPendingFrom(handoffState);
    try {
      await conversation.requestPerson();
      dispatch({ type: "clearError" });
      // Back to the text box: the person is reached by writing. (After a
      // refusal the focus stays on the button, to press it again.)
      inputRef.current?.focus();
    } catch (reason) {
      setPendingFrom(null);
      dispatch({ type: "showError", error: toDisplayError(reason) });
    }
  }, [conversation, dispatch, handoffState]);

  const connected = view.loaded && handoffState === "connected";
  const pressPerson = useCallback(() => {
    if (pendingFrom === handoffState || waiting || connected) {
      // Already asked, waiting, or talking to a person: say so in words, and
      // never undo or repeat the request.
      setAnswer((previous) => ({ presses: (previous?.presses ?? 0) + 1 }));
      inputRef.current?.focus();
      return;
    }
    void requestPerson();
  }, [pendingFrom, handoffState, waiting, connected, requestPerson]);

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
  // to the person button instead of getting lost.
  useFocusFallback(waiting, cancelRef, personRef);

  const demo = view.backend?.demo === true;

  // The whole screen is the page's main landmark (its grid needs the parts
  // as direct children), so that screen readers can jump to it and nothing
  // lies outside a landmark.
  return (
    <main class={`chat${showLeaveMessage ? " chat--form" : ""}`}>
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
            onClick={pressPerson}
          >
            {/* The badge's room is kept when it is not shown, so that the
                button never changes size or place. */}
            {offered ? (
              <span class="button__badge">{t.format("person-button-suggested")}</span>
            ) : (
              <span class="button__badge-space" aria-hidden="true" data-text={t.format("person-button-suggested")} />
            )}
            <span class="button__label">{t.format("person-button")}</span>
          </button>
        </div>
      </header>
      {demo && (
        <p id="demo-banner" class="demo-banner">
          {/* Shorter forms in smaller windows, so that it fits one line. */}
          <span class="demo-banner__long">{t.format("demo-banner")}</span>
          <span class="demo-banner__short">{t.format("demo-banner-short")}</span>
          <span class="demo-banner__tiny">{t.format("demo-banner-tiny")}</span>
        </p>
      )}
      {props.settingsProblem !== null && (
        <p id="settings-problem" class="settings-problem" role="status">
          {t.format(props.settingsProblem)}
        </p>
      )}
      <HandoffStatus
        loaded={view.loaded}
        handoff={view.handoff}
        context={{ connection: view.connection, canLeaveMessage }}
        t={t}
        panelRef={panelRef}
        answer={pendingFrom === handoffState && answer !== null ? { ...answer, pending: true } : answer}
        cancelButton={
          canShowForm ? (
            showLeaveMessage ? null : (
              <button id="leave-message-open" class="button button--cancel" type="button" onClick={openForm}>
                {t.format("leave-message-open")}
              </button>
            )
          ) : waiting && (
            // Away from the person button (in the status panel, under the
            // top bar) and with its own words: a double press of the person
            // button can never land on it.
            <button
              id="person-cancel-button"
              ref={cancelRef}
              class="button button--cancel"
              type="button"
              onClick={() => void cancelPerson()}
            >
              {t.format("person-cancel-button")}
            </button>
          )
        }
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
            backButton={
              <button id="leave-message-back" class="button button--cancel" type="button" onClick={backToConversation}>
                {t.format("leave-message-back")}
              </button>
            }
            t={t}
          />
        )}
      </HandoffStatus>
      <Transcript
        messages={view.messages}
        hasOlder={view.hasOlder}
        t={t}
        onRetry={retry}
        onReadAgain={readAloud.readAgain}
        onNeedOlder={loadOlder}
      />
      {readAloud.reading && (
        // Only while reading, under the conversation and far from the
        // person button; one press stops it.
        <div class="reading">
          <button id="stop-reading" class="button button--stop-reading" type="button" onClick={readAloud.stop}>
            {t.format("speech-stop")}
          </button>
        </div>
      )}
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
        voiceStatus={
          <VoiceStatusLine
            voice={voice}
            onDownload={downloadModel}
            noticeHidden={voiceNoticeHidden}
            onHideNotice={hideVoiceNotice}
            t={t}
          />
        }
        footer={props.footer}
        t={t}
      />
    </main>
  );
}
