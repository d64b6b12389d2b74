import { useEffect, useRef, useState } from "preact/hooks";
import { SettingsFailure, type SettingsService } from "../../backend/settings";
import type { Localizer, MessageArgs } from "../../i18n";

const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;
const MAX_DIGITS = 8;

/** A refusal in words: a long wait is said in minutes. */
function refusal(reason: unknown): { id: string; args: MessageArgs } {
  if (!(reason instanceof SettingsFailure)) {
    return { id: "error-unknown", args: {} };
  }
  const seconds = Number(reason.args.seconds);
  if (reason.messageId === "pin-wait" && seconds >= 120) {
    return { id: "pin-wait-minutes", args: { minutes: Math.ceil(seconds / 60) } };
  }
  return { id: reason.messageId, args: { ...reason.args } };
}

/**
 * The PIN: chosen on first use (twice, so that a slip does not lock the
 * caregiver out), entered later. Big digit buttons and the keyboard both
 * work; a wrong PIN says so with the wait Rust imposes, in words.
 */
export function PinScreen(props: {
  mode: "choose" | "enter";
  settings: SettingsService;
  onOpen: () => void;
  t: Localizer;
}) {
  const { mode, settings, t } = props;
  const [pin, setPin] = useState("");
  const [first, setFirst] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; args: MessageArgs } | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
  }, [first]);

  const press = (digit: string): void => {
    setPin((current) => (current.length < MAX_DIGITS ? current + digit : current));
    inputRef.current?.focus();
  };
  const erase = (): void => {
    setPin((current) => current.slice(0, -1));
    inputRef.current?.focus();
  };

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (!/^[0-9]{4,8}$/.test(pin)) {
      setError({ id: "pin-bad-form", args: {} });
      return;
    }
    if (mode === "choose" && first === null) {
      setFirst(pin);
      setPin("");
      setError(null);
      return;
    }
    if (mode === "choose" && first !== pin) {
      setFirst(null);
      setPin("");
      setError({ id: "pin-choose-mismatch", args: {} });
      return;
    }
    setBusy(true);
    try {
      await (mode === "choose" ? settings.setPin(pin) : settings.unlock(pin));
      props.onOpen();
    } catch (reason) {
      setError(refusal(reason));
      setPin("");
    } finally {
      setBusy(false);
    }
  };

  const titleId = mode === "enter" ? "pin-enter-title" : first === null ? "pin-choose-title" : "pin-confirm-title";
  const helpId = mode === "enter" ? "pin-enter-help" : first === null ? "pin-choose-help" : "pin-confirm-help";
  return (
    <section class="pin" aria-labelledby="pin-title" data-pin-mode={mode} data-pin-step={first === null ? "1" : "2"}>
      <h2 id="pin-title" class="settings__heading">
        {t.format(titleId)}
      </h2>
      <p id="pin-help" class="pin__help">
        {t.format(helpId)}
      </p>
      <form
        class="pin__form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label class="field__label" for="pin-input">
          {t.format("pin-field-label")}
        </label>
        <input
          id="pin-input"
          ref={inputRef}
          class="field__input pin__input"
          type="password"
          inputMode="numeric"
          autocomplete="off"
          maxLength={MAX_DIGITS}
          value={pin}
          aria-describedby="pin-help pin-error"
          aria-invalid={error !== null ? "true" : "false"}
          onInput={(event) => { setPin(event.currentTarget.value.replace(/[^0-9]/g, "").slice(0, MAX_DIGITS)); }}
        />
        <p id="pin-error" class="field__error" role="alert" data-message-id={error?.id ?? ""}>
          {error !== null ? t.format(error.id, error.args) : ""}
        </p>
        <div class="pin__pad" role="group" aria-label={t.format("pin-pad-label")}>
          {DIGITS.map((digit) => (
            <button key={digit} class="button pin__digit" type="button" data-digit={digit} onClick={() => { press(digit); }}>
              {digit}
            </button>
          ))}
          <button id="pin-erase" class="button pin__digit pin__erase" type="button" onClick={erase}>
            {t.format("pin-erase")}
          </button>
          <button class="button pin__digit" type="button" data-digit="0" onClick={() => { press("0"); }}>
            0
          </button>
          <button id="pin-submit" class="button button--send pin__digit pin__ok" type="submit" disabled={busy}>
            {t.format(mode === "enter" ? "pin-ok-enter" : first === null ? "pin-ok-next" : "pin-ok-choose")}
          </button>
        </div>
      </form>
      {mode === "enter" && <p class="pin__forgot">{t.format("pin-forgot")}</p>}
    </section>
  );
}
