import { useCallback, useEffect, useRef, useState } from "preact/hooks";
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

  // The elder's own sizes sent to the settings file and not yet echoed back
  // as a settings change, oldest first. Until the newest one's echo is back,
  // an older echo must not set the size back: two quick presses of Ctrl +
  // would show 150 %, 125 %, 150 %.
  const unconfirmed = useRef<number[]>([]);

  // The settings file's size wins over the quick start's remembered one
  // (?textScale=N fixes it for a test run).
  const percent = status?.textScalePercent;
  useEffect(() => {
    if (percent === undefined || textScaleFixedByUrl()) {
      return;
    }
    const pending = unconfirmed.current;
    const echoed = pending.indexOf(percent);
    if (echoed >= 0) {
      pending.splice(0, echoed + 1);
      if (pending.length > 0) {
        return;
      }
    } else {
      // Changed elsewhere (the caregiver's settings window): that wins.
      pending.length = 0;
    }
    setScale(setTextScale(percent / 100));
  }, [percent]);

  const settings = backend.settings;
  const remember = useCallback(
    (next: number) => {
      setScale(next);
      const sent = toPercent(next);
      unconfirmed.current.push(sent);
      settings.setTextScale(sent).catch((reason: unknown) => {
        // The size applies now; it is only not kept for the next start.
        const pending = unconfirmed.current;
        const at = pending.lastIndexOf(sent);
        if (at >= 0) pending.splice(at, 1);
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
