// An in-memory SettingsService for the UI tests and `npm run dev`: it keeps
// the Rust side's rules that the screen depends on (locked until the PIN,
// 4–8 digits, waits after five wrong tries, text size 100–300).
import type { CheckResult, Settings, SettingsError, SettingsStatus } from "../bindings";
import { SettingsFailure, TEXT_SCALE_PERCENT_RANGE, type SettingsService } from "./settings";

function fail(code: SettingsError["code"], messageId: string, extra: Partial<SettingsError> = {}): never {
  throw new SettingsFailure({ code, messageId, args: {}, fields: [], ...extra });
}

/** Fresh default settings: the demo at 100 % with the two buttons. */
export function defaultSettings(): Settings {
  return {
    format: "warmline-settings",
    version: 1,
    profiles: [],
    activeProfile: "demo",
    locale: null,
    textScalePercent: 100,
    showTextSizeButtons: true,
    voice: { sendAtOnce: false, modelMirror: null },
  };
}

/** A fake settings area; `secrets` shows what was "stored in the keyring". */
export function createFakeSettingsService(): SettingsService & { secrets: Map<string, string> } {
  let pin: string | null = null;
  let unlocked = false;
  let failures = 0;
  let settings = defaultSettings();
  const secrets = new Map<string, string>();
  const requireOpen = (): void => {
    if (!unlocked) fail("locked", "settings-locked");
  };
  const wellFormed = (value: string): boolean => /^[0-9]{4,8}$/.test(value);
  return {
    secrets,
    status: (): Promise<SettingsStatus> =>
      Promise.resolve({
        pinSet: pin !== null,
        unlocked,
        problemMessageId: null,
        textScalePercent: settings.textScalePercent,
        showTextSizeButtons: settings.showTextSizeButtons,
      }),
    setPin: (value) => {
      if (pin !== null && !unlocked) fail("locked", "settings-locked");
      if (!wellFormed(value)) fail("pin", "pin-bad-form");
      pin = value;
      unlocked = true;
      return Promise.resolve();
    },
    unlock: (value) => {
      if (pin === null) fail("pin", "pin-not-set");
      if (failures >= 5) fail("pin", "pin-wait", { args: { seconds: "30" } });
      if (value !== pin) {
        failures += 1;
        fail("pin", "pin-wrong", { args: { attemptsLeft: String(Math.max(0, 5 - failures)) } });
      }
      failures = 0;
      unlocked = true;
      return Promise.resolve();
    },
    lock: () => {
      unlocked = false;
      return Promise.resolve();
    },
    get: () => {
      requireOpen();
      return Promise.resolve(structuredClone(settings));
    },
    save: (next) => {
      requireOpen();
      const { min, max } = TEXT_SCALE_PERCENT_RANGE;
      if (next.textScalePercent < min || next.textScalePercent > max) {
        fail("invalid", "settings-save-invalid", {
          fields: [{ field: "textScalePercent", messageId: "field-error-out-of-range" }],
        });
      }
      settings = structuredClone(next);
      return Promise.resolve();
    },
    setSecret: (profile, name, value) => {
      requireOpen();
      secrets.set(`${profile}/${name}`, value);
      return Promise.resolve();
    },
    deleteProfile: (profile) => {
      requireOpen();
      settings.profiles = settings.profiles.filter((p) => p.id !== profile);
      if (settings.activeProfile === profile) settings.activeProfile = "demo";
      return Promise.resolve();
    },
    exportProfile: (profile) => {
      requireOpen();
      const found = settings.profiles.find((p) => p.id === profile);
      if (!found) fail("notAProfile", "profile-import-not-a-profile");
      return Promise.resolve(JSON.stringify({ format: "warmline-profile", version: 1, profile: found }));
    },
    importProfile: () => {
      requireOpen();
      return fail("notAProfile", "profile-import-not-a-profile");
    },
    check: (): Promise<CheckResult[]> => {
      requireOpen();
      return Promise.resolve([
        { check: "settings", passed: true, messageId: "check-settings-ok", adviceId: null, args: {} },
        { check: "keyring", passed: true, messageId: "check-keyring-ok", adviceId: null, args: {} },
      ]);
    },
  };
}
