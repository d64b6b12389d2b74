import { useEffect, useState } from "preact/hooks";
import type { Settings, SpeechVoices } from "../../bindings";
import { readAloudOf } from "../../backend/settings";
import type { Localizer } from "../../i18n";
import type { Area, Failure } from "./area";
import { CheckboxField, errorsUnder } from "./fields";

const RATES = [50, 75, 100, 125, 150, 175, 200] as const;
const SYSTEM_VOICE = "";

/**
 * Reading replies aloud with the computer's own speech: on or off, the
 * rate (50–200 %), and the voice where the engine offers several for the
 * UI language. Without a speech engine it says so here; chatting is not
 * affected. Each change is saved as it is made.
 */
export function ReadAloudSection(props: { area: Area; t: Localizer }) {
  const { area, t } = props;
  const settings = area.settings;
  const readAloud = readAloudOf(settings);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [voices, setVoices] = useState<SpeechVoices | null>(null);
  const service = area.service;
  const locale = t.locale;
  useEffect(() => {
    let current = true;
    service.speechVoices().then(
      (found) => {
        if (current) setVoices(found);
      },
      () => {
        if (current) setVoices({ voices: [], problem: { code: "speechFailed", messageId: "speech-failed", args: {} } });
      },
    );
    return () => {
      current = false;
    };
    // The voices are the UI language's: asked again when it changes.
  }, [service, locale]);

  const change = async (next: Settings): Promise<void> => {
    const result = await area.save(next);
    setFailure(result);
    if (result === null) area.announce("settings-saved");
  };
  const errors = errorsUnder(failure?.fields ?? []);
  const rateError = errors["readAloud.ratePercent"];
  const problem = voices?.problem ?? null;
  const offered = voices?.voices ?? [];
  return (
    <section
      id="read-aloud-section"
      class="settings__section"
      aria-labelledby="read-aloud-title"
      data-engine={voices === null ? "asking" : problem === null ? "ready" : "problem"}
    >
      <h2 id="read-aloud-title" class="settings__heading">
        {t.format("section-read-aloud")}
      </h2>
      <p class="settings__text">{t.format("read-aloud-intro")}</p>
      {problem !== null && (
        <p id="read-aloud-problem" class="settings__problem" data-message-id={problem.messageId}>
          {t.format(problem.messageId, problem.args)}
        </p>
      )}
      <CheckboxField
        id="read-aloud-enabled"
        label={t.format("read-aloud-enabled")}
        checked={readAloud.enabled}
        onChange={(enabled) => void change({ ...settings, readAloud: { ...readAloud, enabled } })}
      />
      <div class={`field${rateError !== undefined ? " field--invalid" : ""}`}>
        <label class="field__label" for="read-aloud-rate">
          {t.format("read-aloud-rate")}
        </label>
        <select
          id="read-aloud-rate"
          class="field__input"
          value={String(readAloud.ratePercent)}
          aria-invalid={rateError !== undefined ? "true" : "false"}
          aria-describedby={rateError !== undefined ? "read-aloud-rate-error" : undefined}
          onChange={(event) =>
            void change({ ...settings, readAloud: { ...readAloud, ratePercent: Number(event.currentTarget.value) } })
          }
        >
          {(RATES as readonly number[]).includes(readAloud.ratePercent) ? null : (
            <option value={String(readAloud.ratePercent)}>
              {t.format("display-percent", { percent: readAloud.ratePercent })}
            </option>
          )}
          {RATES.map((percent) => (
            <option key={percent} value={String(percent)}>
              {t.format(percent === 100 ? "read-aloud-rate-normal" : "display-percent", { percent })}
            </option>
          ))}
        </select>
        {rateError !== undefined && (
          <p id="read-aloud-rate-error" class="field__error">
            {t.format(rateError)}
          </p>
        )}
      </div>
      {offered.length > 1 && (
        <div class="field">
          <label class="field__label" for="read-aloud-voice">
            {t.format("read-aloud-voice")}
          </label>
          <select
            id="read-aloud-voice"
            class="field__input"
            value={readAloud.voice ?? SYSTEM_VOICE}
            onChange={(event) => {
              const value = event.currentTarget.value;
              void change({ ...settings, readAloud: { ...readAloud, voice: value === SYSTEM_VOICE ? null : value } });
            }}
          >
            <option value={SYSTEM_VOICE}>{t.format("read-aloud-voice-system")}</option>
            {offered.map((voice) => (
              <option key={voice.id} value={voice.id}>
                {voice.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {failure !== null && failure.fields.length === 0 && (
        <p class="field__error" role="alert">
          {t.format(failure.messageId, failure.args)}
        </p>
      )}
    </section>
  );
}
