import { useState } from "preact/hooks";
import type { BackendSettings } from "../../bindings";
import type { Localizer } from "../../i18n";
import { toFailure, type Area, type Failure } from "./area";
import { CheckboxField, TextField, errorsUnder } from "./fields";
import { secretsOf } from "./profileKinds";

/** The secrets a profile file's kind needs, or null when the text is not a profile file. */
function secretsNeeded(text: string): string[] | null {
  try {
    const file = JSON.parse(text) as { format?: unknown; profile?: { backend?: BackendSettings } };
    const backend = file.profile?.backend;
    return file.format === "warmline-profile" && backend !== undefined ? secretsOf(backend) : null;
  } catch {
    return null;
  }
}

/**
 * Profile files without secrets: the text of an exported profile (to copy
 * and send), and adding a prepared one. Importing asks for its secrets and
 * changes nothing until everything is valid (Rust checks it all first).
 */
export function TransferSection(props: { area: Area; exported: string | null; t: Localizer }) {
  const { area, t } = props;
  const [text, setText] = useState("");
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [activate, setActivate] = useState(true);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const needed = text.trim() === "" ? null : secretsNeeded(text);

  const readFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    try {
      setText(await file.text());
      setFailure(null);
    } catch {
      setFailure({ messageId: "profile-import-unreadable", args: {}, fields: [] });
    }
  };
  const importIt = async (): Promise<void> => {
    setBusy(true);
    try {
      await area.service.importProfile(text, secrets, activate);
      setFailure(null);
      setText("");
      setSecrets({});
      await area.reload();
      area.announce("profile-imported");
    } catch (reason) {
      // What was typed stays, to correct and try again.
      setFailure(toFailure(reason));
    } finally {
      setBusy(false);
    }
  };
  const errors = errorsUnder(failure?.fields ?? []);

  return (
    <section class="settings__section" aria-labelledby="transfer-title">
      <h2 id="transfer-title" class="settings__heading">
        {t.format("section-transfer")}
      </h2>
      {props.exported !== null && (
        <div class="field">
          <label class="field__label" for="export-text">
            {t.format("transfer-export-text")}
          </label>
          <textarea
            id="export-text"
            class="field__input field__textarea"
            readOnly
            rows={8}
            value={props.exported}
            onFocus={(event) => { event.currentTarget.select(); }}
          />
        </div>
      )}
      <h3 class="settings__subheading">{t.format("transfer-import-title")}</h3>
      <div class="field">
        <label class="field__label" for="import-file">
          {t.format("transfer-import-file")}
        </label>
        <input
          id="import-file"
          class="field__file"
          type="file"
          accept=".json,application/json"
          onChange={(event) => void readFile(event.currentTarget.files?.[0])}
        />
      </div>
      <div class="field">
        <label class="field__label" for="import-text">
          {t.format("transfer-import-text")}
        </label>
        <textarea
          id="import-text"
          class="field__input field__textarea"
          rows={6}
          spellcheck={false}
          value={text}
          onInput={(event) => { setText(event.currentTarget.value); }}
        />
      </div>
      {needed !== null && needed.length > 0 && <p class="settings__text">{t.format("transfer-import-secrets")}</p>}
      {(needed ?? []).map((name) => (
        <TextField
          key={name}
          id={`import-secret-${name}`}
          label={t.format(`secret-${name}`)}
          type="password"
          value={secrets[name] ?? ""}
          onInput={(value) => { setSecrets({ ...secrets, [name]: value }); }}
          error={errors[`secrets.${name}`]}
          t={t}
        />
      ))}
      <CheckboxField id="import-activate" label={t.format("transfer-import-activate")} checked={activate} onChange={setActivate} />
      {failure !== null && (
        <div id="import-error" class="field__error" role="alert" data-message-id={failure.messageId}>
          <p>{t.format(failure.messageId, failure.args)}</p>
          {failure.fields.length > 0 && (
            <ul>
              {failure.fields.map((field) => (
                <li key={field.field} data-field={field.field}>
                  {t.format("settings-problem-field", { field: field.field, problem: t.format(field.messageId) })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button id="import-button" class="button button--send" type="button" disabled={busy || text.trim() === ""} onClick={() => void importIt()}>
        {t.format("transfer-import-go")}
      </button>
    </section>
  );
}
