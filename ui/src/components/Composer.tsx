import type { ComponentChildren, RefObject } from "preact";
import type { TargetedKeyboardEvent } from "preact";
import type { Localizer } from "../i18n";
import { useAutoGrow } from "../useAutoGrow";
import { SMALL_WINDOW, useMediaQuery } from "../useMediaQuery";

/**
 * The text box and the Send button. Enter sends, Shift+Enter starts a new
 * line; Enter that confirms an input-method composition (Chinese, Japanese…)
 * never sends. The text box grows with its text (up to a cap) so a long
 * dictated sentence is not hidden.
 */
export function Composer(props: {
  draft: string;
  onDraft: (draft: string) => void;
  onSend: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** The microphone button, beside the text box. */
  voiceButton: ComponentChildren;
  /** What voice input is doing, under the text box. */
  voiceStatus: ComponentChildren;
  /** Beside it, on the same line when there is room: Settings and the text size buttons. */
  footer: ComponentChildren;
  t: Localizer;
}) {
  const { draft, onDraft, onSend, inputRef, voiceButton, voiceStatus, footer, t } = props;
  // In a small window the one-line text box gets a hint short enough to show whole.
  const small = useMediaQuery(SMALL_WINDOW);
  // A long (dictated) draft is shown whole, up to the stylesheet's cap.
  useAutoGrow(inputRef, draft);

  function onKeyDown(event: TargetedKeyboardEvent<HTMLTextAreaElement>): void {
    // WebKit (the webview on macOS and Linux) reports the Enter that ends an
    // input-method composition only through keyCode 229.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const imeEnter = event.isComposing || event.keyCode === 229;
    if (event.key !== "Enter" || event.shiftKey || imeEnter) {
      return;
    }
    event.preventDefault();
    onSend();
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <label class="composer__label" for="composer-input">
        {t.format("composer-label")}
      </label>
      <div class="composer__row">
        <textarea
          id="composer-input"
          ref={inputRef}
          class="composer__input"
          rows={2}
          value={draft}
          placeholder={t.format(small ? "composer-placeholder-short" : "composer-placeholder")}
          onInput={(event) => {
            onDraft(event.currentTarget.value);
          }}
          onKeyDown={onKeyDown}
        />
        {voiceButton}
        <button id="send-button" class="button button--send" type="submit">
          {t.format("send-button")}
        </button>
      </div>
      <div class="composer__foot">
        {voiceStatus}
        {footer}
      </div>
    </form>
  );
}
