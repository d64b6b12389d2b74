import type { Localizer } from "../i18n";

/**
 * Under the text box, after the voice line (sharing it when there is room):
 * the caregiver's "Settings" (smaller than the person button, at the other
 * end of the window) and the elder's "Smaller text / Bigger text" (when the
 * caregiver left them on).
 */
export function ChatFooter(props: {
  showTextSizeButtons: boolean;
  canShrink: boolean;
  canGrow: boolean;
  onSmaller: () => void;
  onBigger: () => void;
  onSettings: () => void;
  t: Localizer;
}) {
  const { t } = props;
  return (
    <div class="chat-footer">
      <button id="settings-button" class="button button--settings" type="button" onClick={props.onSettings}>
        {t.format("settings-open-button")}
      </button>
      {props.showTextSizeButtons && (
        <div class="chat-footer__sizes" role="group" aria-label={t.format("text-size-group")}>
          <button
            id="text-smaller-button"
            class="button button--size"
            type="button"
            disabled={!props.canShrink}
            onClick={props.onSmaller}
          >
            {t.format("text-size-smaller")}
          </button>
          <button
            id="text-bigger-button"
            class="button button--size"
            type="button"
            disabled={!props.canGrow}
            onClick={props.onBigger}
          >
            {t.format("text-size-bigger")}
          </button>
        </div>
      )}
    </div>
  );
}
