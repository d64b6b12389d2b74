// The caregiver's settings area as the window sees it. The Rust side checks
// the unlocked state for every command; the UI only follows it.
import type {
  CheckResult,
  ProfileId,
  ReadAloudSettings,
  Settings,
  SettingsError,
  SettingsStatus,
  SpeechVoices,
} from "../bindings";
import type { Unsubscribe } from "./types";

/** The settings area's calls. Every failing call rejects with a `SettingsFailure`. */
export interface SettingsService {
  /** Whether a PIN is set, whether the area is open, text size for the main window. */
  status(): Promise<SettingsStatus>;
  /** Chooses the PIN: the first time, or while the area is open. */
  setPin(pin: string): Promise<void>;
  /** Opens the area with the PIN. */
  unlock(pin: string): Promise<void>;
  /** Closes the area. */
  lock(): Promise<void>;
  /** The settings (the area must be open). */
  get(): Promise<Settings>;
  /** Validates and saves; a wrong field rejects with `fields` set and nothing saved. */
  save(settings: Settings): Promise<void>;
  /** Stores one secret of a profile in the system keyring. */
  setSecret(profile: ProfileId, name: string, value: string): Promise<void>;
  /** Deletes a profile and its secrets. */
  deleteProfile(profile: ProfileId): Promise<void>;
  /** The profile as an export file's text, without secrets. */
  exportProfile(profile: ProfileId): Promise<string>;
  /** Imports a profile file's text with the secrets typed for it. */
  importProfile(text: string, secrets: Record<string, string>, activate: boolean): Promise<Settings>;
  /** "Check everything". */
  check(): Promise<CheckResult[]>;
  /** "Test" beside one profile: reachable, and signed in. */
  testProfile(profile: ProfileId): Promise<CheckResult[]>;
  /** Imports a speech model file from its full path. */
  importModel(path: string): Promise<void>;
  /** The speech engine's voices for the UI language, or why replies cannot be read aloud. */
  speechVoices(): Promise<SpeechVoices>;
  /** Saved settings (language, text size, the buttons), in every window. */
  onChanged(callback: (status: SettingsStatus) => void): Promise<Unsubscribe>;
  /** The chat window's small "Settings" button: opens the settings window. */
  openWindow(): Promise<void>;
  /** Closes the settings window (the area locks as it closes). */
  closeWindow(): Promise<void>;
  /** The elder's "Smaller text / Bigger text": the size alone, remembered. */
  setTextScale(percent: number): Promise<void>;
}

/** A SettingsError as an Error: what every SettingsService call rejects with. */
export class SettingsFailure extends Error implements SettingsError {
  readonly code: SettingsError["code"];
  readonly messageId: string;
  readonly args: SettingsError["args"];
  readonly fields: SettingsError["fields"];

  constructor(error: SettingsError) {
    super(error.messageId);
    this.name = "SettingsFailure";
    this.code = error.code;
    this.messageId = error.messageId;
    this.args = error.args;
    this.fields = error.fields;
  }
}

/** The smallest and largest text size, in percent (as in Rust). */
export const TEXT_SCALE_PERCENT_RANGE = { min: 100, max: 300 } as const;

/** The slowest and fastest reading rate, in percent (as in Rust). */
export const READ_ALOUD_RATE_RANGE = { min: 50, max: 200 } as const;

/** Read-aloud as a file written before it existed has it: off, at the normal rate. */
export const DEFAULT_READ_ALOUD: ReadAloudSettings = { enabled: false, ratePercent: 100, voice: null };

/** The read-aloud settings of `settings`, with the defaults where the file has none. */
export function readAloudOf(settings: Settings): ReadAloudSettings {
  return settings.readAloud ?? { ...DEFAULT_READ_ALOUD };
}
