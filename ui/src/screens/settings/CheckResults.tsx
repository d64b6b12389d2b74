import type { CheckResult } from "../../bindings";
import type { Localizer } from "../../i18n";

/** Results of checks, each in plain words with what to do when it failed. */
export function CheckResults(props: { id: string; results: readonly CheckResult[]; t: Localizer }) {
  const { t } = props;
  return (
    <ul id={props.id} class="checks">
      {props.results.map((result) => (
        <li
          key={result.check}
          class={`check check--${result.passed ? "passed" : "failed"}`}
          data-check={result.check}
          data-passed={result.passed ? "true" : "false"}
        >
          <span class="check__word">{t.format(result.passed ? "check-word-passed" : "check-word-failed")}</span>
          <span class="check__text">{t.format(result.messageId, result.args)}</span>
          {result.adviceId !== null && (
            <span class="check__advice">{t.format("check-advice", { advice: t.format(result.adviceId, result.args) })}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
