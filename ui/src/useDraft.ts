import { useEffect, useRef, useState } from "preact/hooks";
import type { Dispatch, StateUpdater } from "preact/hooks";
import type { ConversationService } from "./backend/types";

/** Quiet time after the last key press before the draft is saved. */
const DRAFT_SAVE_DELAY_MS = 400;

/**
 * What is in the text box, kept by the engine: the draft it kept (after a
 * crash or a restart) comes back into an empty text box once the first
 * snapshot is `loaded`; afterwards every change is saved shortly after the
 * last key press, and at once when the window is hidden or closed.
 */
export function useDraft(
  service: ConversationService,
  loaded: boolean,
  savedDraft: string,
): [string, Dispatch<StateUpdater<string>>] {
  const [draft, setDraft] = useState("");
  const restoredRef = useRef(false);
  const lastSavedRef = useRef<string | null>(null);
  useEffect(() => {
    if (loaded && !restoredRef.current) {
      restoredRef.current = true;
      lastSavedRef.current = savedDraft;
      if (draft === "" && savedDraft !== "") {
        setDraft(savedDraft);
      }
    }
  }, [loaded, savedDraft, draft]);
  useEffect(() => {
    if (!restoredRef.current || lastSavedRef.current === draft) {
      return undefined;
    }
    const save = (): void => {
      lastSavedRef.current = draft;
      // A failed save is reported by the engine itself (storage-failed);
      // the text stays in the box either way.
      service.saveDraft(draft).catch(() => undefined);
    };
    const timer = setTimeout(save, DRAFT_SAVE_DELAY_MS);
    const onHide = (): void => {
      if (document.visibilityState === "hidden") {
        clearTimeout(timer);
        save();
      }
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", save);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", save);
    };
  }, [service, draft]);
  return [draft, setDraft];
}
