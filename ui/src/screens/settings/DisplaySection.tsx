import { useState } from "preact/hooks";
import type { Settings } from "../../bindings";
import type { Localizer } from "../../i18n";
import { AVAILABLE_LOCALES } from "../../i18n";
import type { Area, Failure } from "./area";
import { CheckboxField, errorsUnder } from "./fields";

const SIZES = [100, 125, 150, 175, 200, 225, 250, 275, 300] as const;
const SYSTEM = "system";

/**
 * Language (applied at once, in both windows), text size 100–300 % (the
 * whole window), whether the elder gets "Smaller text / Bigger text", and
 * system notifications while the chat window is behind others.
 * Each change is saved as it is made.
 */
export function DisplaySection(props: { area: Area; t: Localizer }) {
  const { area, t } = props;
  const settings = area.settings;
  const [failure, setFailure] = useState<Failure | null>(null);
  const change = async (next: Settings): Promise<void> => {
    const result = await area.save(next);
    setFailure(result);
    if (result === null) area.announce("settings-saved");
  };
  const errors = errorsUnder(failure?.fields ?? []);
  const sizeError = errors.textScalePercent;
  return (
    <section class="settings__section" aria-labelledby="display-title">
      <h2 id="display-title" class="settings__heading">
        {t.format("section-display")}
      </h2>
      <div class="field">
        <label class="field__label" for="language-select">
          {t.format("display-language")}
        </label>
        <select
          id="language-select"
          class="field__input"
          value={settings.locale ?? SYSTEM}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void change({ ...settings, locale: value === SYSTEM ? null : value });
          }}
        >
          <option value={SYSTEM}>{t.format("display-language-system")}</option>
          {AVAILABLE_LOCALES.map((locale) => (
            <option key={locale} value={locale} lang={locale}>
              {t.format(`language-${locale}`)}
            </option>
          ))}
        </select>
      </div>
      <div class={`field${sizeError !== undefined ? " field--invalid" : ""}`}>
        <label class="field__label" for="text-size-select">
          {t.format("display-text-size")}
        </label>
        <select
          id="text-size-select"
          class="field__input"
          value={String(settings.textScalePercent)}
          aria-invalid={sizeError !== undefined ? "true" : "false"}
          aria-describedby={sizeError !== undefined ? "text-size-error" : undefined}
          onChange={(event) => void change({ ...settings, textScalePercent: Number(event.currentTarget.value) })}
        >
          {(SIZES as readonly number[]).includes(settings.textScalePercent) ? null : (
            <option value={String(settings.textScalePercent)}>{t.format("display-percent", { percent: settings.textScalePercent })}</option>
          )}
          {SIZES.map((percent) => (
            <option key={percent} value={String(percent)}>
              {t.format("display-percent", { percent })}
            </option>
          ))}
        </select>
        {sizeError !== undefined && (
          <p id="text-size-error" class="field__error">
            {t.format(sizeError)}
          </p>
        )}
      </div>
      <CheckboxField
        id="show-text-size-buttons"
        label={t.format("display-show-buttons")}
        checked={settings.showTextSizeButtons}
        onChange={(checked) => void change({ ...settings, showTextSizeButtons: checked })}
      />
      <CheckboxField
        id="notifications"
        label={t.format("display-notifications")}
        checked={settings.notifications ?? true}
        onChange={(checked) => void change({ ...settings, notifications: checked })}
      />
      {failure !== null && failure.fields.length === 0 && (
        <p class="field__error" role="alert">
          {t.format(failure.messageId, failure.args)}
        </p>
      )}
    </section>
  );
}
