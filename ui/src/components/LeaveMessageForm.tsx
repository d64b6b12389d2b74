import type { ComponentChildren, Ref } from "preact";
import type { DisplayError } from "../backend/types";
import type { Localizer } from "../i18n";

/** What the user filled in; kept by the window until the service confirmed it. */
export interface LeaveMessageFields {
  text: string;
  phone: string;
  time: string;
}

export const EMPTY_LEAVE_MESSAGE: LeaveMessageFields = { text: "", phone: "", time: "" };

/**
 * Shown in the page (never a dialog) while nobody is available: a message,
 * and optionally a phone number and a time for a call back. A failure is
 * told next to the button and nothing typed is lost.
 */
export function LeaveMessageForm(props: {
  fields: LeaveMessageFields;
  onFields: (fields: LeaveMessageFields) => void;
  onSubmit: () => void;
  /** The service has not confirmed yet. */
  busy: boolean;
  error: DisplayError | null;
  /** The service failed: say that pressing again is the way forward. */
  retry: boolean;
  textRef: Ref<HTMLTextAreaElement>;
  errorRef: Ref<HTMLDivElement>;
  /** Shown beside the submit button: the way back to the conversation. */
  backButton?: ComponentChildren;
  t: Localizer;
}) {
  const { fields, onFields, onSubmit, busy, error, retry, textRef, errorRef, backButton, t } = props;
  // The error stands next to what it is about: an empty message under the
  // message box, anything else next to the button.
  const aboutText = error?.messageId === "error-empty-message";
  const errorBox = (
    <div id="leave-message-error" ref={errorRef} class="form-error" role="alert">
      {error && <p class="alert__text">{t.format(error.messageId, error.args)}</p>}
      {error && retry && <p class="alert__text form-error__retry">{t.format("leave-message-try-again")}</p>}
    </div>
  );
  return (
    <form
      id="leave-message-form"
      class="leave"
      aria-label={t.format("leave-message-title")}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div class="leave__field leave__field--text">
        <label class="leave__label" for="leave-message-text">
          {t.format("leave-message-label")}
        </label>
        <textarea
          id="leave-message-text"
          ref={textRef}
          class="leave__input leave__input--text"
          rows={2}
          aria-describedby="leave-message-error"
          aria-invalid={aboutText ? "true" : "false"}
          value={fields.text}
          onInput={(event) => {
            onFields({ ...fields, text: event.currentTarget.value });
          }}
        />
        {aboutText && errorBox}
      </div>
      <p id="leave-message-hint" class="leave__hint">
        {t.format("leave-message-callback-hint")}
      </p>
      <div class="leave__field leave__field--phone">
        <label class="leave__label" for="callback-phone">
          {t.format("leave-message-phone-label")}
        </label>
        <input
          id="callback-phone"
          class="leave__input"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          aria-describedby="leave-message-hint"
          value={fields.phone}
          onInput={(event) => {
            onFields({ ...fields, phone: event.currentTarget.value });
          }}
        />
      </div>
      <div class="leave__field leave__field--time">
        <label class="leave__label" for="callback-time">
          {t.format("leave-message-time-label")}
        </label>
        {/* An example under the label, not a placeholder: a placeholder is
            cut in a narrow field and vanishes while typing. */}
        <span id="callback-time-example" class="leave__example">
          {t.format("leave-message-time-example")}
        </span>
        <input
          id="callback-time"
          class="leave__input"
          type="text"
          autoComplete="off"
          aria-describedby="callback-time-example"
          value={fields.time}
          onInput={(event) => {
            onFields({ ...fields, time: event.currentTarget.value });
          }}
        />
      </div>
      {!aboutText && errorBox}
      <div class="leave__buttons">
        <button
          id="leave-message-submit"
          class="button button--submit"
          type="submit"
          aria-disabled={busy ? "true" : "false"}
        >
          {t.format(busy ? "delivery-sending" : "leave-message-submit")}
        </button>
        {backButton}
      </div>
    </form>
  );
}
