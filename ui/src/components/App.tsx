import { useCallback, useEffect, useState } from "preact/hooks";
import type { WarmlineBackend } from "../backend/types";
import { handoffAttribute } from "../conversation";
import type { Localizer } from "../i18n";
import { ChatScreen } from "../screens/ChatScreen";
import {
  MAX_TEXT_SCALE,
  MIN_TEXT_SCALE,
  currentTextScale,
  listenForTextScaleKeys,
  setTextScale,
  stepTextScale,
  textScaleFixedByUrl,
  toPercent,
} from "../textSize";
import { useConversation, type Following } from "../useConversation";
import { useSettingsStatus } from "../useSettingsStatus";
import { useWindowLanguage } from "../useWindowLanguage";
import { ChatFooter } from "./ChatFooter";

/**
 * The elder's window: follows the conversation for as long as the app runs
 * and shows the chat. The caregiver's settings live in a window of their
 * own (settings.html), opened by the small "Settings" button; what they
 * change here (language, text size, the text size buttons) arrives as
 * settings changes and applies at once.
 */
export function App({
  backend,
  t: initial,
  following,
}: {
  backend: WarmlineBackend;
  t: Localizer;
  /** The conversation, already being followed since before the first render. */
  following?: Following;
}) {
  const [view, dispatch] = useConversation(backend.conversation, following);
  const status = useSettingsStatus(backend.settings);
  const t = useWindowLanguage(initial, status?.locale, "app-title");
  const [scale, setScale] = useState(currentTextScale);

  // The settings file's size wins over the quick start's remembered one
  // (?textScale=N fixes it for a test run).
  const percent = status?.textScalePercent;
  useEffect(() => {
    if (percent !== undefined && !textScaleFixedByUrl()) {
      setScale(setTextScale(percent / 100));
    }
  }, [percent]);

  const settings = backend.settings;
  const remember = useCallback(
    (next: number) => {
      setScale(next);
      settings.setTextScale(toPercent(next)).catch((reason: unknown) => {
        // The size applies now; it is only not kept for the next start.
        console.warn("warmline: the text size was not saved", reason);
      });
    },
    [settings],
  );
  useEffect(() => listenForTextScaleKeys(remember), [remember]);

  const openSettings = useCallback(() => {
    settings.openWindow().catch((reason: unknown) => {
      console.warn("warmline: the settings window did not open", reason);
    });
  }, [settings]);

  return (
    <div
      id="app"
      class="app"
      data-screen="chat"
      data-handoff-state={handoffAttribute(view.handoff)}
      data-connection={view.connection}
      data-loaded={view.loaded ? "true" : "false"}
      data-text-scale={String(toPercent(scale))}
    >
      <ChatScreen
        backend={backend}
        view={view}
        dispatch={dispatch}
        t={t}
        settingsProblem={status?.problemMessageId ?? null}
        footer={
          <ChatFooter
            showTextSizeButtons={status?.showTextSizeButtons ?? true}
            canShrink={scale > MIN_TEXT_SCALE}
            canGrow={scale < MAX_TEXT_SCALE}
            onSmaller={() => { remember(stepTextScale(-1)); }}
            onBigger={() => { remember(stepTextScale(1)); }}
            onSettings={openSettings}
            t={t}
          />
        }
      />
    </div>
  );
}
