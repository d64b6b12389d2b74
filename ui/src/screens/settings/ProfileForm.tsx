import { useEffect, useRef, useState } from "preact/hooks";
import type { BackendProfile } from "../../bindings";
import type { Localizer } from "../../i18n";
import { CheckboxField, TextField, type FieldErrors } from "./fields";
import {
  ADDABLE_KINDS,
  HUMAN_KINDS,
  emptyBackend,
  fieldsOf,
  readCheck,
  readField,
  secretsOf,
  withHumanKind,
  writeCheck,
  writeField,
  type ProfileKind,
} from "./profileKinds";

/** What saving a profile gave: nothing wrong, or the fields to mark. */
export type SaveOutcome = { ok: true } | { ok: false; errors: FieldErrors };

function KindSelect(props: {
  id: string;
  labelId: string;
  value: ProfileKind;
  kinds: readonly ProfileKind[];
  onChange: (kind: ProfileKind) => void;
  t: Localizer;
}) {
  const { t } = props;
  return (
    <div class="field">
      <label class="field__label" for={props.id}>
        {t.format(props.labelId)}
      </label>
      <select
        id={props.id}
        class="field__input"
        value={props.value}
        onChange={(event) => { props.onChange(event.currentTarget.value as ProfileKind); }}
      >
        {props.kinds.map((kind) => (
          <option key={kind} value={kind}>
            {t.format(`profile-kind-${kind}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Adding or changing one profile: its name, its kind's fields and its
 * secrets. Secrets are typed into password fields, go to the keyring and are
 * never shown again (empty: keep what is stored). What is typed stays when
 * saving fails, and each wrong field says why beside it.
 */
export function ProfileForm(props: {
  profile: BackendProfile;
  isNew: boolean;
  onSave: (profile: BackendProfile, secrets: Record<string, string>) => Promise<SaveOutcome>;
  onCancel: () => void;
  t: Localizer;
}) {
  const { t, isNew } = props;
  const [profile, setProfile] = useState(props.profile);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const backend = profile.backend;
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const outcome = await props.onSave(profile, secrets);
      setErrors(outcome.ok ? {} : outcome.errors);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      id="profile-form"
      class="profile-form"
      aria-labelledby="profile-form-title"
      data-kind={backend.kind}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h3 id="profile-form-title" class="settings__subheading" tabIndex={-1} ref={headingRef}>
        {t.format(isNew ? "profile-add-title" : "profile-edit-title")}
      </h3>
      {isNew && (
        <KindSelect
          id="profile-kind"
          labelId="profile-kind-label"
          value={backend.kind}
          kinds={ADDABLE_KINDS}
          onChange={(kind) => { setProfile({ ...profile, backend: emptyBackend(kind) }); }}
          t={t}
        />
      )}
      <TextField
        id="profile-field-name"
        label={t.format("profile-field-name")}
        value={profile.name}
        onInput={(name) => { setProfile({ ...profile, name }); }}
        error={errors.name}
        t={t}
      />
      {backend.kind === "tiered" && (
        <KindSelect
          id="profile-human-kind"
          labelId="profile-human-kind"
          value={backend.human.kind}
          kinds={HUMAN_KINDS}
          onChange={(kind) => { setProfile({ ...profile, backend: withHumanKind(backend, kind) }); }}
          t={t}
        />
      )}
      {fieldsOf(backend).map((field) => field.input === "check" ? (
        <CheckboxField
          key={`${backend.kind}-${field.path}`}
          id={`profile-field-${field.path.replace(/\./g, "-")}`}
          label={t.format(field.labelId)}
          checked={readCheck(backend, field)}
          onChange={(on) => { setProfile({ ...profile, backend: writeCheck(backend, field, on) }); }}
        />
      ) : (
        <TextField
          key={`${backend.kind}-${field.path}`}
          id={`profile-field-${field.path.replace(/\./g, "-")}`}
          label={t.format(field.labelId) + (field.optional === true ? ` ${t.format("field-optional")}` : "")}
          hint={field.input === "path" ? t.format("field-path-hint") : field.input === "list" ? t.format("field-list-hint") : undefined}
          type={field.input === "url" ? "url" : "text"}
          value={readField(backend, field)}
          onInput={(text) => { setProfile({ ...profile, backend: writeField(backend, field, text) }); }}
          error={errors[`backend.${field.path}`]}
          t={t}
        />
      ))}
      {secretsOf(backend).map((name) => (
        <TextField
          key={name}
          id={`profile-secret-${name}`}
          label={t.format(`secret-${name}`)}
          hint={t.format(isNew ? "secret-new-hint" : "secret-stored-hint")}
          type="password"
          value={secrets[name] ?? ""}
          onInput={(value) => { setSecrets({ ...secrets, [name]: value }); }}
          error={errors[`secrets.${name}`]}
          t={t}
        />
      ))}
      {errors.form !== undefined && (
        <p id="profile-form-error" class="field__error" role="alert" data-message-id={errors.form}>
          {t.format(errors.form)}
        </p>
      )}
      <div class="settings__actions">
        <button id="profile-save" class="button button--send" type="submit" disabled={busy}>
          {t.format("profile-save")}
        </button>
        <button id="profile-cancel" class="button button--cancel" type="button" onClick={props.onCancel}>
          {t.format("profile-cancel")}
        </button>
      </div>
    </form>
  );
}
