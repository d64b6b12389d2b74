// An in-memory SettingsService for the UI tests and `npm run dev`: it keeps
// the Rust side's rules that the screen depends on (locked until the PIN,
// 4–8 digits, waits after five wrong tries, text size 100–300, a relay
// address must be ws:// or wss://, secrets only while open).
//
// Query parameters (all optional):
//   pin=NNNN              a PIN is set already
//   settingsProblem=ID    the settings file was not usable: damaged | invalid
//   keyring=locked        the password store refuses (setSecret fails)
//   lang=zh-CN            the language when the settings choose none
//   speech=none           this computer has no speech engine (read aloud)
import type { CheckResult, FieldProblem, Settings, SettingsError, SettingsStatus, SpeechVoices } from "../bindings";
import { rememberedTextScale } from "../textSize";
import {
  DEFAULT_READ_ALOUD,
  READ_ALOUD_RATE_RANGE,
  SettingsFailure,
  TEXT_SCALE_PERCENT_RANGE,
  readAloudOf,
  type SettingsService,
} from "./settings";

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
    readAloud: { ...DEFAULT_READ_ALOUD },
  };
}

/** The voices a speech engine like espeak-ng offers, by UI language (test data). */
function fakeVoices(locale: string): SpeechVoices {
  if (locale.startsWith("zh")) {
    return { voices: [{ id: "Chinese (Mandarin)", name: "Chinese (Mandarin)", language: "cmn" }], problem: null };
  }
  return {
    voices: [
      { id: "English (America)", name: "English (America)", language: "en-US" },
      { id: "English (Great Britain)", name: "English (Great Britain)", language: "en-GB" },
    ],
    problem: null,
  };
}

/** The field problems of `settings` the screen is tested with. */
function validate(settings: Settings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { min, max } = TEXT_SCALE_PERCENT_RANGE;
  if (settings.textScalePercent < min || settings.textScalePercent > max) {
    problems.push({ field: "textScalePercent", messageId: "field-error-out-of-range" });
  }
  const rate = readAloudOf(settings).ratePercent;
  if (rate < READ_ALOUD_RATE_RANGE.min || rate > READ_ALOUD_RATE_RANGE.max) {
    problems.push({ field: "readAloud.ratePercent", messageId: "field-error-out-of-range" });
  }
  settings.profiles.forEach((profile, index) => {
    const backend = profile.backend;
    if (backend.kind === "relay") {
      if (backend.url.trim() === "") {
        problems.push({ field: `profiles[${index}].backend.url`, messageId: "field-error-required" });
      } else if (!/^wss?:\/\/./.test(backend.url)) {
        problems.push({ field: `profiles[${index}].backend.url`, messageId: "field-error-not-a-url" });
      }
    }
  });
  return problems;
}

/** What the UI tests can see and change of the fake settings area. */
export interface FakeSettingsControl {
  /** What was "stored in the keyring": `profile/name` → value. */
  readonly secrets: Map<string, string>;
  /** The settings as last saved. */
  settings(): Settings;
  /** How often the main window asked to open the settings window. */
  openCalls(): number;
  /** The text sizes the elder's buttons asked for, in order. */
  textScaleCalls(): number[];
}

/** A fake settings area. */
export function createFakeSettingsService(
  params: URLSearchParams = new URLSearchParams(),
): SettingsService & { control: FakeSettingsControl } {
  let pin: string | null = params.get("pin");
  let unlocked = false;
  let failures = 0;
  // The file outlives a restart; the fake keeps the size where the window does.
  let settings = { ...defaultSettings(), textScalePercent: Math.round((rememberedTextScale() ?? 1) * 100) };
  let opened = 0;
  const sizes: number[] = [];
  const secrets = new Map<string, string>();
  const listeners = new Set<(status: SettingsStatus) => void>();
  const problem = params.get("settingsProblem");
  const keyringLocked = params.get("keyring") === "locked";
  const requireOpen = (): void => {
    if (!unlocked) fail("locked", "settings-locked");
  };
  const wellFormed = (value: string): boolean => /^[0-9]{4,8}$/.test(value);
  const status = (): SettingsStatus => ({
    pinSet: pin !== null,
    unlocked,
    problemMessageId: problem === null ? null : `settings-problem-${problem}`,
    problemFields:
      problem === "invalid" ? [{ field: "profiles[0].backend.url", messageId: "field-error-not-a-url" }] : [],
    problemKeptAs: problem === null ? null : "/home/user/.config/warmline/settings.json.kept-1",
    textScalePercent: settings.textScalePercent,
    showTextSizeButtons: settings.showTextSizeButtons,
    locale: settings.locale ?? params.get("lang") ?? "en-US",
  });
  const announce = (): void => {
    for (const listener of listeners) listener(status());
  };
  const control: FakeSettingsControl = {
    secrets,
    settings: () => structuredClone(settings),
    openCalls: () => opened,
    textScaleCalls: () => [...sizes],
  };
  const results = (ids: CheckResult["check"][]): CheckResult[] =>
    ids.map((check) => ({ check, passed: true, messageId: `check-${check}-ok`, adviceId: null, args: {} }));
  return {
    control,
    status: () => Promise.resolve(status()),
    setPin: (value) => {
      if (pin !== null && !unlocked) fail("locked", "settings-locked");
      if (!wellFormed(value)) fail("pin", "pin-bad-form");
      pin = value;
      unlocked = true;
      return Promise.resolve();
    },
    unlock: (value) => {
      if (pin === null) fail("pin", "pin-not-set");
      if (failures >= 5) fail("pin", "pin-wait", { args: { seconds: String(30 * 2 ** (failures - 5)) } });
      if (value !== pin) {
        failures += 1;
        if (failures >= 5) fail("pin", "pin-wait", { args: { seconds: "30" } });
        fail("pin", "pin-wrong", { args: { attemptsLeft: String(5 - failures) } });
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
      const problems = validate(next);
      if (problems.length > 0) fail("invalid", "settings-save-invalid", { fields: problems });
      settings = structuredClone(next);
      announce();
      return Promise.resolve();
    },
    setSecret: (profile, name, value) => {
      requireOpen();
      if (keyringLocked) fail("keyring", "keyring-locked");
      secrets.set(`${profile}/${name}`, value);
      return Promise.resolve();
    },
    deleteProfile: (profile) => {
      requireOpen();
      settings.profiles = settings.profiles.filter((p) => p.id !== profile);
      if (settings.activeProfile === profile) settings.activeProfile = "demo";
      announce();
      return Promise.resolve();
    },
    exportProfile: (profile) => {
      requireOpen();
      const found = settings.profiles.find((p) => p.id === profile);
      if (!found) fail("notAProfile", "profile-import-not-a-profile");
      return Promise.resolve(JSON.stringify({ format: "warmline-profile", version: 1, profile: found }, null, 2));
    },
    importProfile: (text, typed, activate) => {
      requireOpen();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail("notAProfile", "profile-import-not-a-profile");
      }
      const file = parsed as { format?: unknown; profile?: Settings["profiles"][number] };
      if (file.format !== "warmline-profile" || file.profile === undefined) {
        fail("notAProfile", "profile-import-not-a-profile");
      }
      const profile = file.profile;
      const next = structuredClone(settings);
      next.profiles = [...next.profiles.filter((p) => p.id !== profile.id), profile];
      if (activate) next.activeProfile = profile.id;
      const problems = validate(next);
      if (problems.length > 0) fail("invalid", "profile-import-invalid", { fields: problems });
      for (const [name, value] of Object.entries(typed)) secrets.set(`${profile.id}/${name}`, value);
      settings = next;
      announce();
      return Promise.resolve(structuredClone(settings));
    },
    check: () => {
      requireOpen();
      return Promise.resolve([
        ...results(["settings", "keyring"]),
        {
          check: "microphone",
          passed: false,
          messageId: "check-microphone-missing",
          adviceId: "check-microphone-advice",
          args: {},
        },
      ]);
    },
    testProfile: () => {
      requireOpen();
      return Promise.resolve<CheckResult[]>([
        { check: "backendReachable", passed: true, messageId: "check-backend-answered", adviceId: null, args: { ms: "12" } },
        { check: "signedIn", passed: true, messageId: "check-signin-ok", adviceId: null, args: {} },
      ]);
    },
    importModel: (path) => {
      requireOpen();
      if (!path.startsWith("/")) {
        fail("invalid", "field-error-not-absolute", {
          fields: [{ field: "modelFile", messageId: "field-error-not-absolute" }],
        });
      }
      return Promise.resolve();
    },
    speechVoices: () => {
      requireOpen();
      if (params.get("speech") === "none") {
        return Promise.resolve<SpeechVoices>({
          voices: [],
          problem: { code: "noSpeechEngine", messageId: "speech-no-engine", args: {} },
        });
      }
      return Promise.resolve(fakeVoices(status().locale));
    },
    onChanged: (callback) => {
      listeners.add(callback);
      return Promise.resolve(() => {
        listeners.delete(callback);
      });
    },
    openWindow: () => {
      opened += 1;
      return Promise.resolve();
    },
    closeWindow: () => {
      unlocked = false;
      return Promise.resolve();
    },
    setTextScale: (percent) => {
      sizes.push(percent);
      settings.textScalePercent = percent;
      announce();
      return Promise.resolve();
    },
  };
}
