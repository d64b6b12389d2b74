// The Tauri half of the SettingsService: adapts the tauri-specta commands.
import { getCurrentWindow } from "@tauri-apps/api/window";
import { commands, events } from "../bindings";
import type { SettingsError } from "../bindings";
import { SettingsFailure, type SettingsService } from "./settings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: SettingsError };

function unwrap<T>(result: Result<T>): T {
  if (result.status === "ok") {
    return result.data;
  }
  throw new SettingsFailure(result.error);
}

/** The settings area over the app's `settings_*` commands. */
export function createTauriSettingsService(): SettingsService {
  return {
    status: () => commands.settingsStatus(),
    setPin: async (pin) => {
      unwrap(await commands.settingsSetPin(pin));
    },
    unlock: async (pin) => {
      unwrap(await commands.settingsUnlock(pin));
    },
    lock: () => commands.settingsLock(),
    get: async () => unwrap(await commands.settingsGet()),
    save: async (settings) => {
      unwrap(await commands.settingsSave(settings));
    },
    setSecret: async (profile, name, value) => {
      unwrap(await commands.settingsSetSecret(profile, name, value));
    },
    deleteProfile: async (profile) => {
      unwrap(await commands.settingsDeleteProfile(profile));
    },
    exportProfile: async (profile) => unwrap(await commands.settingsExportProfile(profile)),
    importProfile: async (text, secrets, activate) =>
      unwrap(await commands.settingsImportProfile(text, secrets, activate)),
    check: async () => unwrap(await commands.settingsCheck()),
    testProfile: async (profile) => unwrap(await commands.settingsTestProfile(profile)),
    importModel: async (path) => {
      unwrap(await commands.settingsImportModel(path));
    },
    speechVoices: async () => unwrap(await commands.settingsSpeechVoices()),
    onChanged: async (callback) => {
      const unlisten = await events.settingsChanged.listen((event) => {
        callback(event.payload);
      });
      return () => {
        unlisten();
      };
    },
    openWindow: async () => {
      unwrap(await commands.openSettings());
    },
    closeWindow: async () => {
      await commands.settingsLock();
      await getCurrentWindow().close();
    },
    setTextScale: async (percent) => {
      unwrap(await commands.setTextScale(percent));
    },
  };
}
