import type { Ref } from "preact";
import type { Localizer } from "../i18n";
import { NO_MODEL_PRESSED } from "../useVoice";
import type { VoiceView } from "../voice";

/** Shapes as well as words, so the state never depends on colour alone. */
function MicrophoneIcon() {
  return (
    <svg class="voice-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="8" y="2" width="8" height="13" rx="4" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v4M8 22h8" fill="none" stroke="currentColor" stroke-width="2" />
    </svg>
  );
}

function StopIcon() {
  return (
    <svg class="voice-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="14" height="14" rx="2" />
    </svg>
  );
}

function WorkingIcon() {
  return (
    <svg class="voice-icon voice-icon--working" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="5" cy="12" r="2.5" />
      <circle cx="12" cy="12" r="2.5" />
      <circle cx="19" cy="12" r="2.5" />
    </svg>
  );
}

/**
 * The big microphone button beside the text box. Press to start, press again
 * to stop; while the words are being worked out it waits.
 */
export function VoiceButton(props: {
  voice: VoiceView;
  onPress: () => void;
  buttonRef: Ref<HTMLButtonElement>;
  t: Localizer;
}) {
  const { voice, onPress, buttonRef, t } = props;
  const phase = voice.status?.phase ?? "idle";
  const model = voice.status?.model.state ?? "missing";
  const state = phase !== "idle" ? phase : model === "ready" ? "idle" : "unavailable";
  const label =
    phase === "listening"
      ? t.format("voice-button-stop")
      : phase === "working"
        ? t.format("voice-button-working")
        : t.format("voice-button-speak");
  return (
    <button
      id="mic-button"
      ref={buttonRef}
      class={`button button--mic button--mic-${state}`}
      type="button"
      data-voice-state={state}
      aria-pressed={phase === "listening" ? "true" : "false"}
      aria-disabled={phase === "working" ? "true" : "false"}
      aria-describedby="voice-status"
      onClick={() => {
        if (phase !== "working") {
          onPress();
        }
      }}
    >
      {phase === "listening" ? <StopIcon /> : phase === "working" ? <WorkingIcon /> : <MicrophoneIcon />}
      <span class="button__label">{label}</span>
    </button>
  );
}

const METER_BARS = 8;

/**
 * What voice input is doing, in words under the text box: listening (with a
 * level meter), working, done, nothing heard, an error, or what a missing
 * speech model means and how to get it.
 */
export function VoiceStatusLine(props: {
  voice: VoiceView;
  onDownload: () => void;
  /** The short no-model notice was hidden by the user. */
  noticeHidden: boolean;
  onHideNotice: () => void;
  t: Localizer;
}) {
  const { voice, onDownload, noticeHidden, onHideNotice, t } = props;
  const status = voice.status;
  const phase = status?.phase ?? "idle";
  const model = status?.model;
  let words: string | null = null;
  if (phase === "listening") {
    words = t.format("voice-listening");
  } else if (phase === "working") {
    words = t.format("voice-working");
  } else if (voice.outcome !== null) {
    switch (voice.outcome.kind) {
      case "done":
        words = t.format("voice-done");
        break;
      case "doneSent":
        words = t.format("voice-done-sent");
        break;
      case "nothingHeard":
        words = t.format("voice-nothing-heard");
        break;
      case "error":
        words = t.format(voice.outcome.error.messageId, voice.outcome.error.args);
        break;
    }
  } else if (model?.state === "downloading") {
    words =
      model.percent === null
        ? t.format("voice-model-downloading-unknown")
        : t.format("voice-model-downloading", { percent: model.percent });
  }
  // A model to fetch (missing, or damaged and to be fetched again).
  const needsModel = phase === "idle" && (model?.state === "missing" || model?.state === "corrupt") ? model : null;
  // Until the microphone is pressed, a missing model is one short line the
  // user can hide (the caregiver handles models in the settings); a press
  // says what is missing and offers to get it.
  const pressedWithoutModel =
    needsModel !== null && voice.outcome?.kind === "error" && voice.outcome.error.messageId === NO_MODEL_PRESSED.messageId;
  const shortNotice = needsModel !== null && words === null && !noticeHidden;
  const level = Math.round(voice.level * METER_BARS);
  return (
    <div id="voice-panel" class="voice-panel" data-voice-phase={phase}>
      <p id="voice-status" class="voice-panel__text" role="status" aria-live="polite">
        {words ?? ""}
        {shortNotice ? t.format(needsModel.state === "corrupt" ? "voice-model-corrupt-short" : "voice-no-model-short") : ""}
      </p>
      {shortNotice && (
        <button id="voice-notice-hide" class="button button--small" type="button" onClick={onHideNotice}>
          {t.format("voice-notice-hide")}
        </button>
      )}
      {phase === "listening" && (
        <div
          id="voice-level"
          class="voice-level"
          role="meter"
          aria-label={t.format("voice-level-label")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(voice.level * 100)}
        >
          {Array.from({ length: METER_BARS }, (_, index) => (
            <span
              key={index}
              class={`voice-level__bar${index < level ? " voice-level__bar--on" : ""}`}
              style={{ height: `${30 + index * 10}%` }}
            />
          ))}
        </div>
      )}
      {voice.partial !== "" && phase !== "idle" && (
        <p id="voice-partial" class="voice-panel__partial">
          {t.format("voice-partial", { text: voice.partial })}
        </p>
      )}
      {needsModel !== null && pressedWithoutModel && (
        <button id="voice-download-button" class="button button--download" type="button" onClick={onDownload}>
          {t.format("voice-model-download", { megabytes: needsModel.megabytes })}
        </button>
      )}
      {model?.state === "downloading" && (
        <progress
          id="voice-download-progress"
          class="voice-progress"
          max={100}
          value={model.percent ?? undefined}
          aria-label={t.format("voice-model-downloading-unknown")}
        />
      )}
    </div>
  );
}
