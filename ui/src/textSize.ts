// The window's text size: one number, the CSS custom property --text-scale on
// <html>, from which every size in styles.css is derived (24 px × scale).
// The elder changes it with Ctrl +/−/0 (what people try); the caregiver's
// settings set it with `setTextScale`. Whatever was chosen last is remembered
// in the webview's storage for a quick start, and in the settings file (the
// app sends every change there; its value wins once it is read).

/** The (already large) default. */
export const DEFAULT_TEXT_SCALE = 1;
/** The smallest size: never below the default 24 px. */
export const MIN_TEXT_SCALE = 1;
/** The largest size: 300 %. */
export const MAX_TEXT_SCALE = 3;
/** One Ctrl + or Ctrl − press. */
export const TEXT_SCALE_STEP = 0.25;

const STORAGE_KEY = "warmline.textScale";

/** `scale` limited to MIN..MAX; anything that is not a positive number gives null. */
export function clampTextScale(scale: number): number | null {
  if (!Number.isFinite(scale) || scale <= 0) {
    return null;
  }
  return Math.min(MAX_TEXT_SCALE, Math.max(MIN_TEXT_SCALE, scale));
}

/** The scale in effect now (read back from the custom property). */
export function currentTextScale(): number {
  const raw = document.documentElement.style.getPropertyValue("--text-scale").trim();
  return clampTextScale(Number(raw)) ?? DEFAULT_TEXT_SCALE;
}

/** Applies `scale` (clamped) without remembering it; returns what was applied. */
export function applyTextScale(scale: number): number {
  const applied = clampTextScale(scale) ?? DEFAULT_TEXT_SCALE;
  document.documentElement.style.setProperty("--text-scale", String(applied));
  return applied;
}

/** Applies `scale` (clamped) and remembers it for the next start. */
export function setTextScale(scale: number): number {
  const applied = applyTextScale(scale);
  try {
    localStorage.setItem(STORAGE_KEY, String(applied));
  } catch {
    // Storage may be unavailable (private mode); the size still applies now.
  }
  return applied;
}

/** The remembered scale, if any. */
export function rememberedTextScale(): number | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw === null ? null : clampTextScale(Number(raw));
  } catch {
    return null;
  }
}

/** One step bigger (+1), smaller (−1), or back to the default (0); remembered. */
export function stepTextScale(direction: 1 | -1 | 0): number {
  if (direction === 0) {
    return setTextScale(DEFAULT_TEXT_SCALE);
  }
  return setTextScale(currentTextScale() + direction * TEXT_SCALE_STEP);
}

/**
 * At start: ?textScale=N (tests, screenshots) wins and is not remembered;
 * otherwise the remembered size; otherwise the default.
 */
export function applyStartupTextScale(search: string = window.location.search): number {
  const raw = new URLSearchParams(search).get("textScale");
  const fromUrl = raw === null ? null : clampTextScale(Number(raw));
  if (fromUrl !== null) {
    return applyTextScale(fromUrl);
  }
  return applyTextScale(rememberedTextScale() ?? DEFAULT_TEXT_SCALE);
}

/** True when ?textScale=N fixed the size for this run (tests, screenshots). */
export function textScaleFixedByUrl(search: string = window.location.search): boolean {
  const raw = new URLSearchParams(search).get("textScale");
  return raw !== null && clampTextScale(Number(raw)) !== null;
}

/** A scale as the settings' whole percent (1.25 → 125). */
export function toPercent(scale: number): number {
  return Math.round(scale * 100);
}

/** Which step a key press asks for: Ctrl/⌘ with + or =, − or _, 0; else null. */
export function textScaleKey(event: Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "altKey" | "key">): 1 | -1 | 0 | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) {
    return null;
  }
  switch (event.key) {
    case "+":
    case "=":
      return 1;
    case "-":
    case "_":
      return -1;
    case "0":
      return 0;
    default:
      return null;
  }
}

/** Listens for Ctrl +/−/0 on the whole window; returns the function that stops it. */
export function listenForTextScaleKeys(onChange?: (scale: number) => void): () => void {
  const onKeyDown = (event: KeyboardEvent): void => {
    const step = textScaleKey(event);
    if (step === null) {
      return;
    }
    // The webview's own zoom would scale the window, not the text.
    event.preventDefault();
    const scale = stepTextScale(step);
    onChange?.(scale);
  };
  window.addEventListener("keydown", onKeyDown);
  return () => {
    window.removeEventListener("keydown", onKeyDown);
  };
}
