import { useState } from "preact/hooks";
import type { CheckResult } from "../../bindings";
import type { Localizer } from "../../i18n";
import { toFailure, type Area, type Failure } from "./area";
import { CheckResults } from "./CheckResults";

/** "Check everything": one button, every result in plain words with what to do. */
export function CheckSection(props: { area: Area; t: Localizer }) {
  const { area, t } = props;
  const [results, setResults] = useState<CheckResult[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const run = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      setResults(await area.service.check());
    } catch (reason) {
      setFailure(toFailure(reason));
    } finally {
      setBusy(false);
    }
  };
  const passed = results?.every((r) => r.passed) ?? false;
  return (
    <section class="settings__section" aria-labelledby="check-title">
      <h2 id="check-title" class="settings__heading">
        {t.format("section-check")}
      </h2>
      <button id="check-button" class="button button--send" type="button" disabled={busy} onClick={() => void run()}>
        {t.format(busy ? "check-running" : "check-run")}
      </button>
      <div id="check-summary" role="status" class="settings__status">
        {results !== null && t.format(passed ? "check-all-passed" : "check-some-failed")}
        {failure !== null && t.format(failure.messageId, failure.args)}
      </div>
      {results !== null && <CheckResults id="check-results" results={results} t={t} />}
    </section>
  );
}
