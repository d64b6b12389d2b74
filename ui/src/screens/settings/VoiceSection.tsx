import { useEffect, useState } from "preact/hooks";
import type { VoiceModelState } from "../../bindings";
import type { VoiceService } from "../../backend/types";
import type { Localizer } from "../../i18n";
import { toFailure, type Area, type Failure } from "./area";
import { CheckboxField, TextField, errorsUnder } from "./fields";

/** The speech model's state, kept current by the voice events (download progress). */
function useModelState(voice: VoiceService): VoiceModelState | null {
  const [model, setModel] = useState<VoiceModelState | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    const life = { disposed: false };
    void (async () => {
      try {
        const unsubscribe = await voice.onEvent((update) => {
          if (update.kind === "status") setModel(update.status.model);
        });
        if (life.disposed) {
          unsubscribe();
          return;
        }
        stop = unsubscribe;
        const status = await voice.status();
        setModel((current) => current ?? status.model);
      } catch (reason) {
        console.warn("warmline: the voice status cannot be read", reason);
      }
    })();
    return () => {
      life.disposed = true;
      stop?.();
    };
  }, [voice]);
  return model;
}

function modelWords(model: VoiceModelState, t: Localizer): string {
  switch (model.state) {
    case "ready":
      return t.format("care-model-ready");
    case "missing":
      return t.format("care-model-missing", { megabytes: model.megabytes });
    case "corrupt":
      return t.format("care-model-corrupt");
    case "downloading":
      return model.percent === null
        ? t.format("care-model-downloading-unknown")
        : t.format("care-model-downloading", { percent: model.percent });
  }
}

/** Speaking instead of typing: send at once, the speech model (download or import), the mirror. */
export function VoiceSection(props: { area: Area; voice: VoiceService; t: Localizer }) {
  const { area, voice, t } = props;
  const settings = area.settings;
  const model = useModelState(voice);
  const [mirror, setMirror] = useState(settings.voice.modelMirror ?? "");
  const [path, setPath] = useState("");
  const [failure, setFailure] = useState<Failure | null>(null);

  const saveVoice = async (next: typeof settings.voice, savedId: string): Promise<void> => {
    const result = await area.save({ ...settings, voice: next });
    setFailure(result);
    if (result === null) area.announce(savedId);
  };
  const importFile = async (): Promise<void> => {
    try {
      await area.service.importModel(path.trim());
      setFailure(null);
      setPath("");
      area.announce("voice-imported");
    } catch (reason) {
      setFailure(toFailure(reason));
    }
  };
  const download = async (): Promise<void> => {
    try {
      await voice.downloadModel();
    } catch (reason) {
      setFailure(toFailure(reason));
    }
  };
  const errors = errorsUnder(failure?.fields ?? []);
  const canDownload = model !== null && (model.state === "missing" || model.state === "corrupt");

  return (
    <section class="settings__section" aria-labelledby="voice-title">
      <h2 id="voice-title" class="settings__heading">
        {t.format("section-voice")}
      </h2>
      <CheckboxField
        id="voice-send-at-once"
        label={t.format("voice-send-at-once")}
        checked={settings.voice.sendAtOnce}
        onChange={(checked) => void saveVoice({ ...settings.voice, sendAtOnce: checked }, "settings-saved")}
      />
      <p id="voice-model-state" class="settings__text" role="status" data-model-state={model?.state ?? "unknown"}>
        {model !== null ? modelWords(model, t) : ""}
      </p>
      {model?.state === "downloading" && model.percent !== null && (
        <progress id="voice-model-progress" class="voice-progress" max={100} value={model.percent} aria-labelledby="voice-model-state" />
      )}
      {canDownload && (
        <button id="voice-model-download" class="button button--send" type="button" onClick={() => void download()}>
          {t.format("voice-download")}
        </button>
      )}
      <TextField
        id="voice-model-file"
        label={t.format("voice-import-label")}
        hint={t.format("field-path-hint")}
        value={path}
        onInput={setPath}
        error={errors.modelFile}
        t={t}
      />
      <button id="voice-model-import" class="button" type="button" disabled={path.trim() === ""} onClick={() => void importFile()}>
        {t.format("voice-import-button")}
      </button>
      <TextField
        id="voice-mirror"
        label={`${t.format("voice-mirror")} ${t.format("field-optional")}`}
        hint={t.format("voice-mirror-help")}
        type="url"
        value={mirror}
        onInput={setMirror}
        error={errors["voice.modelMirror"]}
        t={t}
      />
      <button
        id="voice-mirror-save"
        class="button"
        type="button"
        onClick={() => void saveVoice({ ...settings.voice, modelMirror: mirror.trim() === "" ? null : mirror.trim() }, "voice-mirror-saved")}
      >
        {t.format("settings-save")}
      </button>
      {failure !== null && failure.fields.length === 0 && (
        <p class="field__error" role="alert">
          {t.format(failure.messageId, failure.args)}
        </p>
      )}
    </section>
  );
}
