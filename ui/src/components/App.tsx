import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { toDisplayError, type WarmlineBackend } from "../backend/types";
import { handoffAttribute, isWaitingForPerson } from "../conversation";
import type { Localizer } from "../i18n";
import { useConversation } from "../useConversation";
import { Composer } from "./Composer";
import { HandoffStatus } from "./HandoffStatus";
import { Transcript } from "./Transcript";

const EMPTY_MESSAGE_ERROR = { messageId: "error-empty-message", args: {} };

export function App({ backend, t }: { backend: WarmlineBackend; t: Localizer }) {
  const [view, dispatch] = useConversation(backend);
  const [draft, setDraft] = useState("");
  const sendingRef = useRef(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const personRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const cancelHadFocusRef = useRef(false);

  const waiting = view.loaded && isWaitingForPerson(view.handoff);

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
          <button
            id="person-button"
            ref={personRef}
            class="button button--person"
            type="button"
            onClick={() => void requestPerson()}
          >
            {t.format("person-button")}
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
      <HandoffStatus loaded={view.loaded} handoff={view.handoff} connection={view.connection} t={t} />
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
        t={t}
      />
    </div>
  );
}
