import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { Settings, SettingsStatus } from "../../bindings";
import type { WarmlineBackend } from "../../backend/types";
import type { Localizer, MessageArgs } from "../../i18n";
import { setTextScale, textScaleFixedByUrl } from "../../textSize";
import { useSettingsStatus } from "../../useSettingsStatus";
import { useWindowLanguage } from "../../useWindowLanguage";
import { toFailure, type Area } from "./area";
import { CheckSection } from "./CheckSection";
import { DisplaySection } from "./DisplaySection";
import { PinScreen } from "./PinScreen";
import { ProfilesSection } from "./ProfilesSection";
import { ReadAloudSection } from "./ReadAloudSection";
import { TransferSection } from "./TransferSection";
import { VoiceSection } from "./VoiceSection";

/** A settings file Warmline could not use: why, where it was kept, which field. */
function ProblemPanel(props: { status: SettingsStatus; t: Localizer }) {
  const { status, t } = props;
  if (status.problemMessageId === null) return null;
  return (
    <div id="settings-file-problem" class="settings__problem" role="status" data-message-id={status.problemMessageId}>
      <p>{t.format(status.problemMessageId)}</p>
      {status.problemFields.length > 0 && (
        <ul>
          {status.problemFields.map((field) => (
            <li key={field.field} data-field={field.field}>
              {t.format("settings-problem-field", { field: field.field, problem: t.format(field.messageId) })}
            </li>
          ))}
        </ul>
      )}
      {status.problemKeptAs !== null && <p>{t.format("settings-problem-kept", { file: status.problemKeptAs })}</p>}
    </div>
  );
}

/**
 * The settings window: the PIN first (chosen on first use), then the
 * caregiver's set-up. It follows the saved language and text size at once,
 * as the chat window does.
 */
export function SettingsApp({ backend, t: initial }: { backend: WarmlineBackend; t: Localizer }) {
  const service = backend.settings;
  const status = useSettingsStatus(service);
  const t = useWindowLanguage(initial, status?.locale, "settings-title");
  const [settings, setSettings] = useState<Settings | null>(null);
  const [said, setSaid] = useState<{ id: string; args: MessageArgs; n: number } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  // The status was read before the PIN was chosen here.
  const [pinChosen, setPinChosen] = useState(false);

  const percent = status?.textScalePercent;
  useEffect(() => {
    if (percent !== undefined && !textScaleFixedByUrl()) setTextScale(percent / 100);
  }, [percent]);

  const reload = useCallback(async () => {
    try {
      setSettings(await service.get());
    } catch (reason) {
      const failure = toFailure(reason);
      setSaid((s) => ({ id: failure.messageId, args: failure.args, n: (s?.n ?? 0) + 1 }));
    }
  }, [service]);
  // Opened in another way (the area was left open): no PIN again.
  const unlocked = status?.unlocked === true;
  useEffect(() => {
    if (unlocked && settings === null) void reload();
  }, [unlocked, settings, reload]);

  const area: Area | null = useMemo(
    () =>
      settings === null
        ? null
        : {
            service,
            settings,
            save: async (next) => {
              try {
                await service.save(next);
                setSettings(next);
                return null;
              } catch (reason) {
                return toFailure(reason);
              }
            },
            reload,
            announce: (id, args = {}) => { setSaid((s) => ({ id, args, n: (s?.n ?? 0) + 1 })); },
          },
    [service, settings, reload],
  );

  const close = async (): Promise<void> => {
    setSettings(null);
    setExported(null);
    await service.closeWindow();
  };

  const screen = status === null ? "loading" : area !== null ? "open" : status.pinSet || pinChosen ? "enter-pin" : "choose-pin";
  return (
    <div id="settings-app" class="settings" data-screen={screen} data-locale={t.locale}>
      <header class="topbar settings__topbar">
        <h1 class="settings__title">{t.format("settings-title")}</h1>
        <button id="settings-close" class="button button--cancel" type="button" onClick={() => void close()}>
          {t.format("settings-close")}
        </button>
      </header>
      <main class="settings__main">
        {status !== null && <ProblemPanel status={status} t={t} />}
        {screen === "choose-pin" || screen === "enter-pin" ? (
          <PinScreen
            key={screen}
            mode={screen === "choose-pin" ? "choose" : "enter"}
            settings={service}
            onOpen={() => {
              setPinChosen(true);
              void reload();
            }}
            t={t}
          />
        ) : null}
        {area !== null && (
          <>
            <p class="settings__text">{t.format("settings-intro")}</p>
            <p id="settings-said" class="settings__status" role="status" data-message-id={said?.id ?? ""} key={said?.n}>
              {said !== null ? t.format(said.id, said.args) : ""}
            </p>
            <ProfilesSection area={area} onExport={setExported} t={t} />
            <DisplaySection area={area} t={t} />
            <ReadAloudSection area={area} t={t} />
            <VoiceSection area={area} voice={backend.voice} t={t} />
            <CheckSection area={area} t={t} />
            <TransferSection area={area} exported={exported} t={t} />
          </>
        )}
      </main>
    </div>
  );
}
