import type { Localizer } from "../i18n";

/**
 * The line under the text box: the elder's "Smaller text / Bigger text"
 * (when the caregiver left them on) and, at the far side from the person
 * button and smaller than it, the caregiver's "Settings".
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
    <footer class="chat-footer">
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
    </footer>
  );
}
