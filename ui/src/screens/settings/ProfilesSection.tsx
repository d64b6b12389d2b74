import { useState } from "preact/hooks";
import type { BackendProfile, CheckResult, ProfileId } from "../../bindings";
import type { Localizer } from "../../i18n";
import { toFailure, type Area } from "./area";
import { CheckResults } from "./CheckResults";
import { errorsUnder, type FieldErrors } from "./fields";
import { ProfileForm, type SaveOutcome } from "./ProfileForm";
import { emptyBackend, newProfileId } from "./profileKinds";

type Editing = { profile: BackendProfile; isNew: boolean } | null;

/** One line of the list: its name, whether it is in use, and what can be done with it. */
function ProfileRow(props: {
  profile: BackendProfile | null;
  active: boolean;
  area: Area;
  onEdit: () => void;
  onExport: (text: string) => void;
  t: Localizer;
}) {
  const { profile, area, t } = props;
  const id: ProfileId = profile?.id ?? "demo";
  const [results, setResults] = useState<CheckResult[] | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const name = profile === null ? t.format("profile-demo-name") : profile.name || t.format(`profile-kind-${profile.backend.kind}`);

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await work();
    } catch (reason) {
      const failure = toFailure(reason);
      area.announce(failure.messageId, failure.args);
    } finally {
      setBusy(false);
    }
  };
  const choose = () =>
    run(async () => {
      const failure = await area.save({ ...area.settings, activeProfile: id });
      if (failure === null) area.announce("profile-chosen", { name });
    });
  const test = () =>
    run(async () => {
      setResults(null);
      setResults(await area.service.testProfile(id));
    });
  const remove = () =>
    run(async () => {
      await area.service.deleteProfile(id);
      setConfirming(false);
      await area.reload();
      area.announce("profile-deleted", { name });
    });
  const exportIt = () =>
    run(async () => {
      props.onExport(await area.service.exportProfile(id));
    });

  return (
    <li class="profile" data-profile-id={id} data-active={props.active ? "true" : "false"}>
      <div class="profile__head">
        <span class="profile__name">{name}</span>
        {props.active && <span class="profile__badge">{t.format("profile-in-use")}</span>}
      </div>
      <div class="profile__actions">
        {!props.active && (
          <button class="button button--send profile__use" type="button" disabled={busy} onClick={() => void choose()}>
            {t.format("profile-use")}
          </button>
        )}
        {profile !== null && (
          <>
            <button class="button profile__edit" type="button" onClick={props.onEdit}>
              {t.format("profile-edit")}
            </button>
            <button class="button profile__test" type="button" disabled={busy} onClick={() => void test()}>
              {t.format("profile-test")}
            </button>
            <button class="button profile__export" type="button" disabled={busy} onClick={() => void exportIt()}>
              {t.format("profile-export")}
            </button>
            <button class="button button--cancel profile__delete" type="button" onClick={() => { setConfirming(true); }}>
              {t.format("profile-delete")}
            </button>
          </>
        )}
      </div>
      {confirming && (
        <div class="profile__confirm" role="group" aria-label={t.format("profile-delete-confirm", { name })}>
          <p>{t.format("profile-delete-confirm", { name })}</p>
          <button class="button button--cancel profile__delete-yes" type="button" disabled={busy} onClick={() => void remove()}>
            {t.format("profile-delete-yes")}
          </button>
          <button class="button profile__delete-no" type="button" onClick={() => { setConfirming(false); }}>
            {t.format("profile-delete-no")}
          </button>
        </div>
      )}
      {results !== null && <CheckResults id={`profile-test-${id}`} results={results} t={t} />}
    </li>
  );
}

/**
 * The services Warmline can talk to: the demo (always there) and the
 * caregiver's profiles; add, change, test, export, delete, choose.
 */
export function ProfilesSection(props: { area: Area; onExport: (text: string) => void; t: Localizer }) {
  const { area, t } = props;
  const [editing, setEditing] = useState<Editing>(null);
  const settings = area.settings;

  const saveProfile = async (profile: BackendProfile, secrets: Record<string, string>): Promise<SaveOutcome> => {
    const index = settings.profiles.findIndex((p) => p.id === profile.id);
    const profiles = [...settings.profiles];
    const at = index === -1 ? profiles.length : index;
    profiles[at] = profile;
    const failure = await area.save({ ...settings, profiles });
    if (failure !== null) {
      const errors: FieldErrors = { ...errorsUnder(failure.fields, `profiles[${at}].`), form: failure.messageId };
      return { ok: false, errors };
    }
    // The profile exists now; its secrets go to the keyring, one by one.
    for (const [name, value] of Object.entries(secrets)) {
      if (value === "") continue;
      try {
        await area.service.setSecret(profile.id, name, value);
      } catch (reason) {
        const secretFailure = toFailure(reason);
        return { ok: false, errors: { [`secrets.${name}`]: secretFailure.messageId, form: secretFailure.messageId } };
      }
    }
    setEditing(null);
    area.announce("profile-saved", { name: profile.name });
    return { ok: true };
  };

  return (
    <section class="settings__section" aria-labelledby="profiles-title">
      <h2 id="profiles-title" class="settings__heading">
        {t.format("section-profiles")}
      </h2>
      <ul id="profile-list" class="profiles">
        <ProfileRow
          profile={null}
          active={settings.activeProfile === "demo"}
          area={area}
          onEdit={() => undefined}
          onExport={props.onExport}
          t={t}
        />
        {settings.profiles.map((profile) => (
          <ProfileRow
            key={profile.id}
            profile={profile}
            active={settings.activeProfile === profile.id}
            area={area}
            onEdit={() => { setEditing({ profile, isNew: false }); }}
            onExport={props.onExport}
            t={t}
          />
        ))}
      </ul>
      {editing === null ? (
        <button
          id="profile-add"
          class="button button--send"
          type="button"
          onClick={() => { setEditing({ profile: { id: newProfileId(), name: "", backend: emptyBackend("relay") }, isNew: true }); }
          }
        >
          {t.format("profile-add")}
        </button>
      ) : (
        <ProfileForm
          key={editing.profile.id}
          profile={editing.profile}
          isNew={editing.isNew}
          onSave={saveProfile}
          onCancel={() => { setEditing(null); }}
          t={t}
        />
      )}
    </section>
  );
}
