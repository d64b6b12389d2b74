import { useEffect, useState } from "preact/hooks";
import type { SettingsStatus } from "./bindings";
import type { SettingsService } from "./backend/settings";

/**
 * The settings status as it changes: subscribed first, then read, so that a
 * change saved in between is not missed. Null until the first answer (and
 * when the settings cannot be read at all: the chat works without them).
 */
export function useSettingsStatus(settings: SettingsService): SettingsStatus | null {
  const [status, setStatus] = useState<SettingsStatus | null>(null);
  useEffect(() => {
    const life = { disposed: false };
    let stop: (() => void) | null = null;
    void (async () => {
      try {
        const unsubscribe = await settings.onChanged((next) => {
          if (!life.disposed) setStatus(next);
        });
        if (life.disposed) {
          unsubscribe();
          return;
        }
        stop = unsubscribe;
        const first = await settings.status();
        setStatus((current) => current ?? first);
      } catch (reason) {
        console.warn("warmline: the settings status cannot be read", reason);
      }
    })();
    return () => {
      life.disposed = true;
      stop?.();
    };
  }, [settings]);
  return status;
}
