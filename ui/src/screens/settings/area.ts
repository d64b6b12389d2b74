// What every section of the open settings area shares: the service, the
// settings as saved, one way to save, and the "Saved." line.
import type { Settings } from "../../bindings";
import { SettingsFailure, type SettingsService } from "../../backend/settings";
import type { MessageArgs } from "../../i18n";

/** A failed call as the area shows it. */
export interface Failure {
  messageId: string;
  args: MessageArgs;
  fields: { field: string; messageId: string }[];
}

/** Anything a settings call rejected with, as a Failure. */
export function toFailure(reason: unknown): Failure {
  if (reason instanceof SettingsFailure) {
    return { messageId: reason.messageId, args: { ...reason.args }, fields: [...reason.fields] };
  }
  console.warn("warmline: a settings call failed", reason);
  return { messageId: "error-unknown", args: {}, fields: [] };
}

export interface Area {
  service: SettingsService;
  /** The settings as last saved. */
  settings: Settings;
  /** Validates and saves `next` (Rust checks it); null when it worked. */
  save(next: Settings): Promise<Failure | null>;
  /** Reads the settings again (after an import or a delete). */
  reload(): Promise<void>;
  /** Says something in the area's status line (a Fluent id). */
  announce(messageId: string, args?: MessageArgs): void;
}
